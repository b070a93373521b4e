//! (being written) temporary stand-in with the agreed interface.
use crate::core::model::{ContactEntry, Preferences};
pub struct DemoConfig;
impl DemoConfig {
    pub fn standard(_a: i64) -> DemoConfig {
        DemoConfig
    }
    pub fn scaled(_a: i64, _c: usize, _m: usize) -> DemoConfig {
        DemoConfig
    }
}
pub struct TeamMember {
    pub address: String,
    pub name: String,
    pub shared: bool,
}
pub struct DemoOptOut {
    pub at: i64,
    pub reason: String,
    pub recorded_by: String,
}
pub struct DemoProfile {
    pub address: String,
    pub preferences: Preferences,
    pub contacts: Vec<ContactEntry>,
    pub opted_out: Option<DemoOptOut>,
}
pub struct DemoMailbox {
    pub team: Vec<TeamMember>,
    pub inbox: Vec<Vec<u8>>,
    pub sent: Vec<Vec<u8>>,
    pub profiles: Vec<DemoProfile>,
}
pub fn generate(_c: &DemoConfig) -> DemoMailbox {
    DemoMailbox {
        team: vec![],
        inbox: vec![],
        sent: vec![],
        profiles: vec![],
    }
}
