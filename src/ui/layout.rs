//! Where each pane goes for a terminal size. Shared by `update` (to lay out text for the right
//! width and page by the right height) and `render`.

use crate::ui::state::Focus;
use ratatui::layout::Rect;

/// Smallest terminal rapport draws on; below it says so instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width the inbox and the conversation sit side by side.
pub const TWO_PANES: u16 = 110;
/// From this width the profile gets its own pane too.
pub const THREE_PANES: u16 = 150;
/// From this width the profile, when shown (`p`), sits beside the conversation instead of
/// taking its place.
pub const PROFILE_BESIDE: u16 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub title: Rect,
    pub status: Rect,
    pub inbox: Option<Rect>,
    pub conversation: Option<Rect>,
    pub profile: Option<Rect>,
    pub too_small: bool,
}

impl Panes {
    /// The inside of a bordered pane.
    pub fn inner(r: Rect) -> Rect {
        Rect {
            x: r.x + 1,
            y: r.y + 1,
            width: r.width.saturating_sub(2),
            height: r.height.saturating_sub(2),
        }
    }
}

pub fn layout(width: u16, height: u16, focus: Focus, show_profile: bool) -> Panes {
    let full = Rect::new(0, 0, width, height);
    let too_small = width < MIN_WIDTH || height < MIN_HEIGHT;
    let title = Rect::new(0, 0, width, 1.min(height));
    let status = Rect::new(0, height.saturating_sub(1), width, 1.min(height));
    let body = Rect::new(0, 1, width, height.saturating_sub(2));
    let mut p = Panes {
        title,
        status,
        inbox: None,
        conversation: None,
        profile: None,
        too_small,
    };
    if too_small {
        p.title = full;
        return p;
    }
    if width >= THREE_PANES {
        let w_inbox = width * 30 / 100;
        let w_profile = width * 24 / 100;
        let w_conv = width - w_inbox - w_profile;
        p.inbox = Some(Rect::new(0, body.y, w_inbox, body.height));
        p.conversation = Some(Rect::new(w_inbox, body.y, w_conv, body.height));
        p.profile = Some(Rect::new(w_inbox + w_conv, body.y, w_profile, body.height));
    } else if width >= PROFILE_BESIDE && show_profile {
        let w_inbox = width * 28 / 100;
        let w_profile = width * 30 / 100;
        let w_conv = width - w_inbox - w_profile;
        p.inbox = Some(Rect::new(0, body.y, w_inbox, body.height));
        p.conversation = Some(Rect::new(w_inbox, body.y, w_conv, body.height));
        p.profile = Some(Rect::new(w_inbox + w_conv, body.y, w_profile, body.height));
    } else if width >= TWO_PANES {
        let w_inbox = width * 40 / 100;
        p.inbox = Some(Rect::new(0, body.y, w_inbox, body.height));
        let right = Rect::new(w_inbox, body.y, width - w_inbox, body.height);
        if show_profile || focus == Focus::Profile {
            p.profile = Some(right);
        } else {
            p.conversation = Some(right);
        }
    } else {
        match focus {
            Focus::Inbox => p.inbox = Some(body),
            Focus::Conversation if !show_profile => p.conversation = Some(body),
            _ => p.profile = Some(body),
        }
    }
    p
}
