//! What an uploaded file is, decided by its bytes (magic numbers) alone:
//! a header or file name can say anything, and a file served under the
//! wrong type could run script on Keyward's origin.

use keyward_api::blob::{DOCUMENT_MAX_BYTES, VIDEO_MAX_BYTES};

/// A type Keyward stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mp4,
    QuickTime,
    Webm,
    Matroska,
    Avi,
    Asf,
    Flv,
    Mpeg,
    Pdf,
    Doc,
    Docx,
    Jpeg,
    Png,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Mp4 => "video/mp4",
            Kind::QuickTime => "video/quicktime",
            Kind::Webm => "video/webm",
            Kind::Matroska => "video/x-matroska",
            Kind::Avi => "video/x-msvideo",
            Kind::Asf => "video/x-ms-asf",
            Kind::Flv => "video/x-flv",
            Kind::Mpeg => "video/mpeg",
            Kind::Pdf => "application/pdf",
            Kind::Doc => "application/msword",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
        }
    }

    /// The extension of the names Keyward gives such files.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Mp4 => "mp4",
            Kind::QuickTime => "mov",
            Kind::Webm => "webm",
            Kind::Matroska => "mkv",
            Kind::Avi => "avi",
            Kind::Asf => "wmv",
            Kind::Flv => "flv",
            Kind::Mpeg => "mpg",
            Kind::Pdf => "pdf",
            Kind::Doc => "doc",
            Kind::Docx => "docx",
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
        }
    }

    pub fn is_video(self) -> bool {
        self.content_type().starts_with("video/")
    }

    pub fn is_image(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png)
    }

    /// Seed 001's limit: videos < 20 MB, documents and images < 10 MB.
    pub fn max_bytes(self) -> usize {
        if self.is_video() { VIDEO_MAX_BYTES } else { DOCUMENT_MAX_BYTES }
    }

    /// What the kind is called in messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Mp4 => "an MP4 video",
            Kind::QuickTime => "a QuickTime video",
            Kind::Webm => "a WebM video",
            Kind::Matroska => "a Matroska video",
            Kind::Avi => "an AVI video",
            Kind::Asf => "a WMV/ASF video",
            Kind::Flv => "an FLV video",
            Kind::Mpeg => "an MPEG video",
            Kind::Pdf => "a PDF document",
            Kind::Doc => "a Word (doc) document",
            Kind::Docx => "a Word (docx) document",
            Kind::Jpeg => "a JPEG image",
            Kind::Png => "a PNG image",
        }
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";
const CFB: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
const ASF: &[u8] = b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c";
const EBML: &[u8] = b"\x1a\x45\xdf\xa3";
/// ISO media brands that are not video (audio, still images).
const NOT_VIDEO_BRANDS: &[&[u8]] = &[b"M4A ", b"M4B ", b"M4P ", b"heic", b"heix", b"mif1", b"msf1", b"avif", b"crx "];

/// The kind of `bytes`, or what they are instead, for the message.
pub fn sniff(bytes: &[u8]) -> Result<Kind, String> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(0, PNG) {
        Ok(Kind::Png)
    } else if at(0, b"\xff\xd8\xff") {
        Ok(Kind::Jpeg)
    } else if at(0, b"%PDF-") {
        Ok(Kind::Pdf)
    } else if at(0, CFB) {
        if cfb_has_stream(bytes, "WordDocument") {
            Ok(Kind::Doc)
        } else {
            Err("an OLE compound file without a `WordDocument` stream (not a Word document)".into())
        }
    } else if at(0, b"PK\x03\x04") {
        let names = zip_names(bytes).ok_or("a damaged or truncated zip archive")?;
        if ["[Content_Types].xml", "word/document.xml"].iter().all(|needed| names.iter().any(|n| n == needed)) {
            Ok(Kind::Docx)
        } else {
            Err("a zip archive without `word/document.xml` (not a Word document)".into())
        }
    } else if at(4, b"ftyp") {
        match bytes.get(8..12) {
            Some(b"qt  ") => Ok(Kind::QuickTime),
            Some(brand) if !NOT_VIDEO_BRANDS.contains(&brand) => Ok(Kind::Mp4),
            _ => Err("an ISO media file that is audio or a still image, not a video".into()),
        }
    } else if ["moov", "mdat", "wide", "pnot"].iter().any(|atom| at(4, atom.as_bytes())) {
        Ok(Kind::QuickTime)
    } else if at(0, EBML) {
        let head = &bytes[..bytes.len().min(64)];
        if contains(head, b"webm") {
            Ok(Kind::Webm)
        } else if contains(head, b"matroska") {
            Ok(Kind::Matroska)
        } else {
            Err("an EBML file that is neither WebM nor Matroska".into())
        }
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Ok(Kind::Avi)
    } else if at(0, ASF) {
        Ok(Kind::Asf)
    } else if at(0, b"FLV\x01") {
        Ok(Kind::Flv)
    } else if at(0, b"\0\0\x01\xba") || at(0, b"\0\0\x01\xb3") {
        Ok(Kind::Mpeg)
    } else {
        Err(unknown(bytes))
    }
}

/// What unrecognised bytes look like: markup is named, anything else is
/// shown as its first bytes in hex.
fn unknown(bytes: &[u8]) -> String {
    let text = bytes.iter().skip_while(|b| b.is_ascii_whitespace() || **b == 0xef || **b == 0xbb || **b == 0xbf);
    if text.take(1).any(|b| *b == b'<') {
        return "text markup (HTML, SVG or XML)".into();
    }
    if bytes.is_empty() {
        return "an empty file".into();
    }
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02X}")).collect();
    format!("an unrecognised file starting with the bytes {}", head.join(" "))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn u16_at(bytes: &[u8], offset: usize) -> Option<usize> {
    Some(u16::from_le_bytes(bytes.get(offset..offset + 2)?.try_into().ok()?).into())
}

fn u32_at(bytes: &[u8], offset: usize) -> Option<usize> {
    usize::try_from(u32::from_le_bytes(bytes.get(offset..offset + 4)?.try_into().ok()?)).ok()
}

/// The entry names of a zip archive's central directory; `None` when the
/// archive is damaged.
fn zip_names(bytes: &[u8]) -> Option<Vec<String>> {
    // The end-of-central-directory record: 22 bytes and a comment of at most 64 KiB.
    let earliest = bytes.len().saturating_sub(22 + 0xffff);
    let end = (earliest..=bytes.len().checked_sub(22)?).rev().find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
    let (count, mut offset) = (u16_at(bytes, end + 10)?, u32_at(bytes, end + 16)?);
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        if !bytes.get(offset..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let (name, extra, comment) =
            (u16_at(bytes, offset + 28)?, u16_at(bytes, offset + 30)?, u16_at(bytes, offset + 32)?);
        names.push(String::from_utf8_lossy(bytes.get(offset + 46..offset + 46 + name)?).into_owned());
        offset += 46 + name + extra + comment;
    }
    Some(names)
}

/// Sector ids that end a chain or are not in use.
const CFB_LAST_SECTOR: usize = 0xffff_fffa;

/// Whether an OLE compound file (MS-CFB) has a stream named `name` in its
/// directory, read by following the directory's sector chain through the
/// file allocation table the header points at.
fn cfb_has_stream(bytes: &[u8], name: &str) -> bool {
    let wanted: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let Some(shift) = u16_at(bytes, 0x1e).filter(|shift| matches!(shift, 9 | 12)) else { return false };
    let sector_size = 1usize << shift;
    let sector = |id: usize| bytes.get((id + 1) * sector_size..(id + 2) * sector_size);
    // The FAT entry of sector `id`, through the header's 109 FAT sector ids.
    let next = |id: usize| {
        let per_sector = sector_size / 4;
        let fat_sector = u32_at(bytes, 0x4c + 4 * (id / per_sector))?;
        u32_at(sector(fat_sector)?, 4 * (id % per_sector))
    };
    let mut id = u32_at(bytes, 0x30);
    // Every sector at most once: a looping chain ends here.
    for _ in 0..bytes.len() / sector_size {
        let Some(current) = id.filter(|id| *id <= CFB_LAST_SECTOR) else { return false };
        let Some(entries) = sector(current) else { return false };
        for entry in entries.chunks_exact(128) {
            let length = u16_at(entry, 0x40).unwrap_or(0);
            if entry[0x42] == 2 && length == wanted.len() + 2 && entry[..wanted.len()] == wanted[..] {
                return true;
            }
        }
        id = next(current);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{Kind, sniff};

    #[test]
    fn markup_is_named_and_other_bytes_shown() {
        assert_eq!(sniff(b"  <svg onload=alert(1)>").unwrap_err(), "text markup (HTML, SVG or XML)");
        assert_eq!(
            sniff(b"GIF89a\x01\x00").unwrap_err(),
            "an unrecognised file starting with the bytes 47 49 46 38 39 61 01 00"
        );
        assert_eq!(sniff(b"").unwrap_err(), "an empty file");
        assert_eq!(
            sniff(b"\0\0\0\x20ftypM4A \0\0\0\0").unwrap_err(),
            "an ISO media file that is audio or a still image, not a video"
        );
        assert_eq!(sniff(b"\x1a\x45\xdf\xa3\x42\x82\x84webm").unwrap(), Kind::Webm);
        assert_eq!(sniff(b"RIFF\0\0\0\0AVI LIST").unwrap(), Kind::Avi);
    }

    #[test]
    fn a_truncated_zip_or_compound_file_is_refused() {
        assert!(sniff(b"PK\x03\x04word/document.xml").is_err());
        let mut cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
        cfb.resize(600, 0xff);
        assert!(sniff(&cfb).is_err());
    }
}
