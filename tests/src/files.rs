//! Small files of each kind the blob operations take, built here byte by
//! byte (PNG through the `png` encoder), and multipart bodies carrying them.

/// A real 2×2 RGB PNG.
pub fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 2, 2);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]).unwrap();
    writer.finish().unwrap();
    out
}

/// A JPEG's markers: start of image, a JFIF header, end of image.
pub fn jpeg() -> Vec<u8> {
    let mut out = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    out.extend_from_slice(b"\xff\xfe\x00\x09keyward\xff\xd9");
    out
}

/// An MP4: an `ftyp` box of brand `isom` and a small `mdat` box.
pub fn mp4() -> Vec<u8> {
    let mut out = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2".to_vec();
    out.extend_from_slice(b"\x00\x00\x00\x10mdat\x01\x02\x03\x04\x05\x06\x07\x08");
    out
}

/// A WebM: an EBML header whose DocType is `webm`.
pub fn webm() -> Vec<u8> {
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02".to_vec()
}

/// A one-page PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n\
      trailer<</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}

/// A zip archive (entries stored) of `entries` (name, content).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut out, mut directory) = (Vec::new(), Vec::new());
    for (name, content) in entries {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(content);
        let mut common = Vec::new();
        common.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&(content.len() as u32).to_le_bytes());
        common.extend_from_slice(&(content.len() as u32).to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&[0, 0]); // extra length
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(content);
        directory.extend_from_slice(b"PK\x01\x02\x14\x00");
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        directory.extend_from_slice(&[0; 4]); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A docx: the parts Word needs.
pub fn docx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>"),
        ("_rels/.rels", b"<?xml version=\"1.0\"?><Relationships/>"),
        ("word/document.xml", b"<?xml version=\"1.0\"?><w:document><w:body/></w:document>"),
    ])
}

/// An OLE compound file (MS-CFB, 512-byte sectors) with one stream named
/// `stream`: a `.doc` when it is `WordDocument`.
pub fn compound_file(stream: &str) -> Vec<u8> {
    const END: u32 = 0xffff_fffe;
    let mut header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    header.resize(0x18, 0);
    header.extend_from_slice(&[0x3e, 0, 3, 0, 0xfe, 0xff, 9, 0, 6, 0]); // versions, byte order, shifts
    header.resize(0x2c, 0);
    for value in [1, 1, 0, 4096, END, 0, END, 0] {
        // FAT sectors, first directory sector, transactions, mini cutoff, mini FAT, DIFAT
        header.extend_from_slice(&u32::to_le_bytes(value));
    }
    header.extend_from_slice(&0u32.to_le_bytes()); // the FAT is sector 0
    header.resize(512, 0xff);
    let mut fat = Vec::new();
    for value in [0xffff_fffd, END, END] {
        fat.extend_from_slice(&u32::to_le_bytes(value));
    }
    fat.resize(512, 0xff);
    let entry = |name: &str, kind: u8, start: u32, size: u32| {
        let mut entry: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry.resize(0x40, 0);
        entry.extend_from_slice(&((name.len() as u16 + 1) * 2).to_le_bytes());
        entry.extend_from_slice(&[kind, 1]);
        entry.extend_from_slice(&[0xff; 12]); // siblings and child: none
        entry.resize(0x74, 0);
        entry.extend_from_slice(&start.to_le_bytes());
        entry.extend_from_slice(&size.to_le_bytes());
        entry.resize(128, 0);
        entry
    };
    let mut directory = entry("Root Entry", 5, END, 0);
    directory.extend(entry(stream, 2, 2, 16));
    directory.resize(512, 0);
    let mut data = b"keyward document".to_vec();
    data.resize(512, 0);
    [header, fat, directory, data].concat()
}

/// A `multipart/form-data` body with one file part: its Content-Type
/// header and the body.
pub fn multipart(field: &str, filename: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "keyward-test-boundary-7d3f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
