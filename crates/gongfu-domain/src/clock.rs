//! Where "now" comes from. Nothing in this crate reads a clock: dates are arguments. The
//! [`Clock`] trait is how the application's one clock (gongfu-app owns the system clock)
//! reaches the services that need the time, and how a test stops it.

use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// China Standard Time, UTC+8 all year (no daylight saving since 1991): what "today" and
/// "open now" mean to a district.
pub const CHINA: UtcOffset = time::macros::offset!(+8);

/// An instant as China Standard Time.
pub fn in_china(t: OffsetDateTime) -> PrimitiveDateTime {
    let local = t.to_offset(CHINA);
    PrimitiveDateTime::new(local.date(), local.time())
}

/// An instant as people read it: Beijing time in Chinese form, `2026年12月3日 14:56`.
pub fn beijing(t: OffsetDateTime) -> String {
    let t = in_china(t);
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A stored instant (RFC 3339, as the database keeps them) in Beijing time for people; a
/// text that is not an instant is returned as it is, so a page never loses what it shows.
pub fn beijing_text(stored: &str) -> String {
    OffsetDateTime::parse(stored, &time::format_description::well_known::Rfc3339)
        .map(beijing)
        .unwrap_or_else(|_| stored.to_string())
}

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The instant now.
    fn now(&self) -> OffsetDateTime;

    /// Now in China Standard Time.
    fn local(&self) -> PrimitiveDateTime {
        in_china(self.now())
    }

    /// Today in China Standard Time.
    fn today(&self) -> Date {
        self.local().date()
    }
}

/// A clock stopped at one instant: tests, and runs that must be reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_time_is_eight_hours_ahead_and_changes_the_date_at_16_utc() {
        let c = FixedClock(time::macros::datetime!(2026-09-30 16:30 UTC));
        assert_eq!(c.today(), time::macros::date!(2026 - 10 - 01));
        assert_eq!(c.local().hour(), 0);
        let c = FixedClock(time::macros::datetime!(2026-09-30 15:59 UTC));
        assert_eq!(c.today(), time::macros::date!(2026 - 09 - 30));
    }

    #[test]
    fn stored_instants_read_in_beijing_time() {
        assert_eq!(beijing_text("2026-12-03T06:56:09Z"), "2026年12月3日 14:56");
        assert_eq!(
            beijing_text("2026-12-31T16:00:00+00:00"),
            "2027年1月1日 00:00"
        );
        assert_eq!(beijing_text("不是时间"), "不是时间");
    }
}
