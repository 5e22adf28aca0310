//! Check values a device's protocol expects after its bytes (Modbus RTU's CRC, a sum, an
//! XOR), computed over everything before them and appended, as serial-port and network
//! assistants offer: typed by hand, one wrong byte makes the device stay silent.

use serde::{Deserialize, Serialize};

/// What is appended after the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Checksum {
    #[default]
    None,
    /// The bytes' sum, its low byte.
    Sum8,
    /// The bytes XORed together.
    Xor8,
    /// CRC-16/MODBUS (reflected 0x8005, start 0xFFFF), low byte first as Modbus RTU sends it.
    Crc16Modbus,
    /// CRC-16/CCITT-FALSE (0x1021, start 0xFFFF), high byte first: Python's
    /// `binascii.crc_hqx(data, 0xFFFF)`.
    Crc16CcittFalse,
    /// CRC-16/XMODEM (0x1021, start 0), high byte first: `binascii.crc_hqx(data, 0)`.
    Crc16Xmodem,
    /// CRC-32 (IEEE, as `zlib.crc32`), high byte first.
    Crc32,
}

impl Checksum {
    pub const ALL: [Checksum; 7] = [
        Checksum::None,
        Checksum::Sum8,
        Checksum::Xor8,
        Checksum::Crc16Modbus,
        Checksum::Crc16CcittFalse,
        Checksum::Crc16Xmodem,
        Checksum::Crc32,
    ];

    /// Its name, the same in every language (None's word is the window's).
    pub fn name(self) -> &'static str {
        match self {
            Checksum::None => "none",
            Checksum::Sum8 => "SUM8",
            Checksum::Xor8 => "XOR8",
            Checksum::Crc16Modbus => "CRC-16/MODBUS",
            Checksum::Crc16CcittFalse => "CRC-16/CCITT-FALSE",
            Checksum::Crc16Xmodem => "CRC-16/XMODEM",
            Checksum::Crc32 => "CRC-32",
        }
    }

    /// The check value's bytes, in the order they are sent.
    pub fn of(self, data: &[u8]) -> Vec<u8> {
        match self {
            Checksum::None => Vec::new(),
            Checksum::Sum8 => vec![data.iter().fold(0u8, |a, b| a.wrapping_add(*b))],
            Checksum::Xor8 => vec![data.iter().fold(0u8, |a, b| a ^ b)],
            Checksum::Crc16Modbus => (reflected(0xA001, 0xFFFF, data) as u16)
                .to_le_bytes()
                .to_vec(),
            Checksum::Crc16CcittFalse => ccitt(0xFFFF, data).to_be_bytes().to_vec(),
            Checksum::Crc16Xmodem => ccitt(0, data).to_be_bytes().to_vec(),
            Checksum::Crc32 => (!reflected(0xEDB8_8320, 0xFFFF_FFFF, data))
                .to_be_bytes()
                .to_vec(),
        }
    }

    /// `data` with its check value appended.
    pub fn append(self, data: &mut Vec<u8>) {
        let check = self.of(data);
        data.extend_from_slice(&check);
    }
}

/// A reflected CRC (bits taken low first) with the reversed polynomial `poly` from
/// `start`: CRC-16/MODBUS in the low 16 bits, CRC-32 before its final inversion.
fn reflected(poly: u32, start: u32, data: &[u8]) -> u32 {
    let mut crc = start;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// CRC-16 with polynomial 0x1021, not reflected, from `start`.
fn ccitt(start: u16, data: &[u8]) -> u16 {
    let mut crc = start;
    for b in data {
        crc ^= u16::from(*b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::Checksum;

    /// The catalogue's check values for "123456789", and a Modbus RTU request as a device's
    /// manual prints it (read 10 holding registers of unit 1: CRC C5 CD).
    #[test]
    fn check_values_match_the_catalogue() {
        let nine = b"123456789";
        assert_eq!(Checksum::Crc16Modbus.of(nine), [0x37, 0x4B]);
        assert_eq!(Checksum::Crc16CcittFalse.of(nine), [0x29, 0xB1]);
        assert_eq!(Checksum::Crc16Xmodem.of(nine), [0x31, 0xC3]);
        assert_eq!(Checksum::Crc32.of(nine), [0xCB, 0xF4, 0x39, 0x26]);
        assert_eq!(Checksum::Sum8.of(nine), [0xDD]);
        assert_eq!(Checksum::Xor8.of(nine), [0x31]);
        assert!(Checksum::None.of(nine).is_empty());
        let mut req = vec![0x01, 0x03, 0x00, 0x00, 0x00, 0x0A];
        Checksum::Crc16Modbus.append(&mut req);
        assert_eq!(req, [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]);
        // Nothing to check is still a value (the start, as the algorithms define it).
        assert_eq!(Checksum::Crc16Modbus.of(b""), [0xFF, 0xFF]);
    }

    /// The three Python computes (binascii.crc_hqx, zlib.crc32) agree with python3's on
    /// payloads of every length up to 300 bytes.
    #[test]
    fn crcs_agree_with_python() {
        let mut seed = 0x2545_f491_u32;
        let payloads: Vec<Vec<u8>> = (0..300)
            .map(|n| {
                (0..n)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        seed as u8
                    })
                    .collect()
            })
            .collect();
        let input: String = payloads
            .iter()
            .map(|p| format!("{}\n", crate::pyfmt::to_hex(p)))
            .collect();
        let script = "import sys, binascii, zlib\n\
            for line in sys.stdin:\n\
            \x20   d = bytes.fromhex(line.strip())\n\
            \x20   print(binascii.crc_hqx(d, 0xFFFF), binascii.crc_hqx(d, 0), zlib.crc32(d))\n";
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3, the reference");
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), payloads.len());
        for (p, line) in payloads.iter().zip(lines) {
            let ours = format!(
                "{} {} {}",
                u16::from_be_bytes(Checksum::Crc16CcittFalse.of(p).try_into().unwrap()),
                u16::from_be_bytes(Checksum::Crc16Xmodem.of(p).try_into().unwrap()),
                u32::from_be_bytes(Checksum::Crc32.of(p).try_into().unwrap()),
            );
            assert_eq!(ours, line, "for {} bytes", p.len());
        }
    }
}
