//! Times as people and files read them.

use std::time::SystemTime;

/// The time zone times of day are shown in: the system's, looked up once (at start, not in
/// a frame: finding it reads files), UTC where it cannot be found.
#[derive(Clone, Debug)]
pub struct Zone(jiff::tz::TimeZone);

impl Zone {
    pub fn system() -> Zone {
        Zone(jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC))
    }

    pub fn utc() -> Zone {
        Zone(jiff::tz::TimeZone::UTC)
    }

    /// The time of day `at` in this zone, with milliseconds: 14:05:09.123.
    pub fn clock(&self, at: SystemTime) -> String {
        match jiff::Timestamp::try_from(at) {
            Ok(t) => {
                let z = t.to_zoned(self.0.clone());
                format!(
                    "{:02}:{:02}:{:02}.{:03}",
                    z.hour(),
                    z.minute(),
                    z.second(),
                    z.millisecond()
                )
            }
            Err(_) => "--:--:--.---".into(),
        }
    }
}

impl Zone {
    /// `at` as ISO 8601 with microseconds in this zone, its offset said (`Z` for UTC):
    /// 2026-11-23T10:15:08.123456+08:00, the time of day the window shows.
    pub fn iso(&self, at: SystemTime) -> String {
        if self.0 == jiff::tz::TimeZone::UTC {
            return iso_time(at);
        }
        match jiff::Timestamp::try_from(at) {
            Ok(t) => t
                .to_zoned(self.0.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%.6f%:z")
                .to_string(),
            Err(_) => "----------T--:--:--.------".into(),
        }
    }
}

/// UTC time as ISO 8601 with microseconds: 2026-11-23T02:15:08.123456Z.
pub fn iso_time(at: SystemTime) -> String {
    match jiff::Timestamp::try_from(at) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        Err(_) => "----------T--:--:--.------Z".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_time_of_day_is_the_zones() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_709_210_096_500);
        assert_eq!(Zone::utc().clock(t), "12:34:56.500");
        let tokyo = Zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
        assert_eq!(tokyo.clock(t), "21:34:56.500");
        assert_eq!(tokyo.iso(t), "2024-02-29T21:34:56.500000+09:00");
        assert_eq!(Zone::utc().iso(t), "2024-02-29T12:34:56.500000Z");
    }

    #[test]
    fn times_are_iso_utc() {
        assert_eq!(
            iso_time(SystemTime::UNIX_EPOCH),
            "1970-01-01T00:00:00.000000Z"
        );
        // 2024-02-29 12:34:56.5 UTC (a leap day).
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_709_210_096_500);
        assert_eq!(iso_time(t), "2024-02-29T12:34:56.500000Z");
    }
}
