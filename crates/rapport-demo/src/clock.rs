//! Calendar arithmetic for the demo: civil dates, a handful of time zones with their DST
//! rules written out (so the output never depends on the host's tz database), RFC 5322
//! dates and the team's business hours (Mon-Fri 09:00-18:00, Berlin time).

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_LONG: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Days since 1970-01-01 for a proleptic Gregorian date (month and day 1-based).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: `(year, month, day)`.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 0 = Monday ... 6 = Sunday.
pub fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

fn last_sunday(y: i64, m: i64) -> i64 {
    let next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    let last = next - 1;
    last - (weekday(last) + 1) % 7
}

fn nth_sunday(y: i64, m: i64, n: i64) -> i64 {
    let first = days_from_civil(y, m, 1);
    first + (6 - weekday(first)) + 7 * (n - 1)
}

enum Rule {
    /// EU rules: summer time from the last Sunday of March to the last Sunday of October,
    /// switching at 01:00 UTC. The value is the standard offset in seconds.
    Eu(i64),
    /// US/Canada rules: second Sunday of March to first Sunday of November, 02:00 local.
    Us(i64),
    Fixed(i64),
}

/// The time zones candidates live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tz {
    Berlin,
    Paris,
    Madrid,
    Vienna,
    Zurich,
    Brussels,
    Amsterdam,
    Copenhagen,
    Stockholm,
    Oslo,
    Warsaw,
    Prague,
    London,
    Dublin,
    Lisbon,
    Athens,
    Istanbul,
    Moscow,
    NewYork,
    Toronto,
    SaoPaulo,
    MexicoCity,
    Kolkata,
    Shanghai,
    Tokyo,
    HoChiMinh,
}

impl Tz {
    pub fn iana(self) -> &'static str {
        match self {
            Tz::Berlin => "Europe/Berlin",
            Tz::Paris => "Europe/Paris",
            Tz::Madrid => "Europe/Madrid",
            Tz::Vienna => "Europe/Vienna",
            Tz::Zurich => "Europe/Zurich",
            Tz::Brussels => "Europe/Brussels",
            Tz::Amsterdam => "Europe/Amsterdam",
            Tz::Copenhagen => "Europe/Copenhagen",
            Tz::Stockholm => "Europe/Stockholm",
            Tz::Oslo => "Europe/Oslo",
            Tz::Warsaw => "Europe/Warsaw",
            Tz::Prague => "Europe/Prague",
            Tz::London => "Europe/London",
            Tz::Dublin => "Europe/Dublin",
            Tz::Lisbon => "Europe/Lisbon",
            Tz::Athens => "Europe/Athens",
            Tz::Istanbul => "Europe/Istanbul",
            Tz::Moscow => "Europe/Moscow",
            Tz::NewYork => "America/New_York",
            Tz::Toronto => "America/Toronto",
            Tz::SaoPaulo => "America/Sao_Paulo",
            Tz::MexicoCity => "America/Mexico_City",
            Tz::Kolkata => "Asia/Kolkata",
            Tz::Shanghai => "Asia/Shanghai",
            Tz::Tokyo => "Asia/Tokyo",
            Tz::HoChiMinh => "Asia/Ho_Chi_Minh",
        }
    }

    fn rule(self) -> Rule {
        match self {
            Tz::Berlin
            | Tz::Paris
            | Tz::Madrid
            | Tz::Vienna
            | Tz::Zurich
            | Tz::Brussels
            | Tz::Amsterdam
            | Tz::Copenhagen
            | Tz::Stockholm
            | Tz::Oslo
            | Tz::Warsaw
            | Tz::Prague => Rule::Eu(HOUR),
            Tz::London | Tz::Dublin | Tz::Lisbon => Rule::Eu(0),
            Tz::Athens => Rule::Eu(2 * HOUR),
            Tz::Istanbul | Tz::Moscow => Rule::Fixed(3 * HOUR),
            Tz::NewYork | Tz::Toronto => Rule::Us(-5 * HOUR),
            Tz::SaoPaulo => Rule::Fixed(-3 * HOUR),
            Tz::MexicoCity => Rule::Fixed(-6 * HOUR),
            Tz::Kolkata => Rule::Fixed(5 * HOUR + 30 * MINUTE),
            Tz::Shanghai => Rule::Fixed(8 * HOUR),
            Tz::Tokyo => Rule::Fixed(9 * HOUR),
            Tz::HoChiMinh => Rule::Fixed(7 * HOUR),
        }
    }

    /// UTC offset in seconds at instant `t`.
    pub fn offset(self, t: i64) -> i64 {
        let year = civil_from_days(t.div_euclid(DAY)).0;
        match self.rule() {
            Rule::Fixed(o) => o,
            Rule::Eu(std) => {
                let start = last_sunday(year, 3) * DAY + HOUR;
                let end = last_sunday(year, 10) * DAY + HOUR;
                if (start..end).contains(&t) {
                    std + HOUR
                } else {
                    std
                }
            }
            Rule::Us(std) => {
                let start = nth_sunday(year, 3, 2) * DAY + 2 * HOUR - std;
                let end = nth_sunday(year, 11, 1) * DAY + 2 * HOUR - (std + HOUR);
                if (start..end).contains(&t) {
                    std + HOUR
                } else {
                    std
                }
            }
        }
    }

    /// Wall-clock parts of `t` in this zone.
    pub fn local(self, t: i64) -> Local {
        let off = self.offset(t);
        let l = t + off;
        let days = l.div_euclid(DAY);
        let (year, month, day) = civil_from_days(days);
        Local {
            days,
            secs: l.rem_euclid(DAY),
            weekday: weekday(days),
            year,
            month,
            day,
            offset: off,
        }
    }

    /// The instant at which the wall clock in this zone shows `secs` into local day `days`.
    pub fn instant(self, days: i64, secs: i64) -> i64 {
        let naive = days * DAY + secs;
        let guess = naive - self.offset(naive);
        naive - self.offset(guess)
    }
}

/// A wall-clock reading.
#[derive(Debug, Clone, Copy)]
pub struct Local {
    pub days: i64,
    pub secs: i64,
    /// 0 = Monday.
    pub weekday: i64,
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub offset: i64,
}

impl Local {
    pub fn hour(&self) -> i64 {
        self.secs / HOUR
    }
    pub fn minute(&self) -> i64 {
        self.secs % HOUR / MINUTE
    }
    pub fn weekend(&self) -> bool {
        self.weekday >= 5
    }
    pub fn weekday_short(&self) -> &'static str {
        WEEKDAYS[self.weekday as usize]
    }
    pub fn weekday_long(&self) -> &'static str {
        WEEKDAYS_LONG[self.weekday as usize]
    }
    pub fn month_short(&self) -> &'static str {
        MONTHS[(self.month - 1) as usize]
    }
    pub fn month_long(&self) -> &'static str {
        MONTHS_LONG[(self.month - 1) as usize]
    }
    /// "+0100", "-0500", "+0530".
    pub fn offset_str(&self) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let a = self.offset.abs();
        format!("{sign}{:02}{:02}", a / HOUR, a % HOUR / MINUTE)
    }
    /// "HH:MM".
    pub fn hhmm(&self) -> String {
        format!("{:02}:{:02}", self.hour(), self.minute())
    }
}

pub fn month_long(month: i64) -> &'static str {
    MONTHS_LONG[(month - 1).rem_euclid(12) as usize]
}

/// RFC 5322 date as the sender's client would write it, e.g. `Tue, 03 Nov 2026 09:14:00 +0100`.
pub fn rfc5322(t: i64, tz: Tz) -> String {
    let l = tz.local(t);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} {}",
        l.weekday_short(),
        l.day,
        l.month_short(),
        l.year,
        l.hour(),
        l.minute(),
        l.secs % MINUTE,
        l.offset_str()
    )
}

/// The zone the team works in.
pub const TEAM_TZ: Tz = Tz::Berlin;
pub const OPEN: i64 = 9 * HOUR;
pub const CLOSE: i64 = 18 * HOUR;

#[cfg(test)]
pub fn is_business(t: i64) -> bool {
    let l = TEAM_TZ.local(t);
    !l.weekend() && (OPEN..CLOSE).contains(&l.secs)
}

/// `t` itself during business hours, otherwise the next opening time.
pub fn next_open(t: i64) -> i64 {
    let l = TEAM_TZ.local(t);
    if !l.weekend() && (OPEN..CLOSE).contains(&l.secs) {
        return t;
    }
    let mut d = if !l.weekend() && l.secs < OPEN {
        l.days
    } else {
        l.days + 1
    };
    while weekday(d) >= 5 {
        d += 1;
    }
    TEAM_TZ.instant(d, OPEN)
}

/// `secs` seconds of business time after `t`.
pub fn add_business(t: i64, mut secs: i64) -> i64 {
    let mut t = next_open(t);
    loop {
        let l = TEAM_TZ.local(t);
        let left = CLOSE - l.secs;
        if secs < left {
            return t + secs;
        }
        secs -= left;
        t = next_open(TEAM_TZ.instant(l.days, CLOSE));
    }
}

/// Local day `days` in the team's zone shifted to the `n`-th next working day (n >= 1).
pub fn working_day_after(days: i64, n: i64) -> i64 {
    let mut d = days;
    let mut left = n;
    while left > 0 {
        d += 1;
        if weekday(d) < 5 {
            left -= 1;
        }
    }
    d
}

/// "Tuesday 14 April at 10:00 (CEST)" in the team's zone.
pub fn slot_text(t: i64) -> String {
    let l = TEAM_TZ.local(t);
    let zone = if l.offset == HOUR { "CET" } else { "CEST" };
    format!(
        "{} {} {} at {} ({zone})",
        l.weekday_long(),
        l.day,
        l.month_long(),
        l.hhmm()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-1000, 0, 1, 59, 365, 10_957, 20_000, 25_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(weekday(0), 3); // Thursday
    }

    #[test]
    fn berlin_dst_and_dates() {
        // 2026-03-29 is the last Sunday of March: CET before 01:00 UTC, CEST after.
        let d = days_from_civil(2026, 3, 29) * DAY;
        assert_eq!(Tz::Berlin.offset(d + HOUR - 1), HOUR);
        assert_eq!(Tz::Berlin.offset(d + HOUR), 2 * HOUR);
        let nov = days_from_civil(2026, 11, 3) * DAY + 8 * HOUR + 14 * MINUTE;
        assert_eq!(rfc5322(nov, Tz::Berlin), "Tue, 03 Nov 2026 09:14:00 +0100");
        // New York: 2026-03-08 is the second Sunday of March.
        let ny = days_from_civil(2026, 3, 8) * DAY + 7 * HOUR;
        assert_eq!(Tz::NewYork.offset(ny - 1), -5 * HOUR);
        assert_eq!(Tz::NewYork.offset(ny), -4 * HOUR);
        assert_eq!(Tz::Kolkata.local(0).offset_str(), "+0530");
    }

    #[test]
    fn business_hours() {
        // Friday 2026-11-06 17:30 Berlin + 1h of business time = Monday 09:30.
        let fri = Tz::Berlin.instant(days_from_civil(2026, 11, 6), 17 * HOUR + 30 * MINUTE);
        let t = add_business(fri, HOUR);
        let l = Tz::Berlin.local(t);
        assert_eq!((l.weekday, l.hhmm()), (0, "09:30".to_string()));
        let sat = fri + DAY;
        assert!(!is_business(sat));
        assert_eq!(Tz::Berlin.local(next_open(sat)).hhmm(), "09:00");
    }
}
