//! YAML read as a stream of events by libyaml's parser (through
//! `unsafe-libyaml`, the parser serde_yaml itself reads with), which builds
//! nothing: an alias is one event, however much it would expand to, so a
//! document can be judged before any value is made of it.

use std::marker::PhantomData;
use std::mem::MaybeUninit;
use unsafe_libyaml as unsafe_sys;

/// An event, as much of it as the limits of [`super::document`] look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A scalar, or the start of a sequence or mapping (`collection`);
    /// `anchored` when it carries an anchor (`&name`).
    Node { collection: bool, anchored: bool },
    /// The end of a sequence or mapping.
    End,
    /// An alias (`*name`).
    Alias,
    /// The start or end of the stream or of a document.
    Marker,
}

/// Where the text stopped being YAML (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syntax {
    pub line: u64,
    pub column: u64,
}

/// The events of a YAML text, up to the end of the stream or the first
/// syntax error.
pub struct Events<'a> {
    /// Boxed: libyaml keeps pointers into it while it parses.
    parser: Box<MaybeUninit<unsafe_sys::yaml_parser_t>>,
    finished: bool,
    /// The parser reads `text` in place.
    text: PhantomData<&'a str>,
}

impl<'a> Events<'a> {
    pub fn new(text: &'a str) -> Events<'a> {
        let mut parser = Box::new(MaybeUninit::<unsafe_sys::yaml_parser_t>::uninit());
        // SAFETY: `yaml_parser_initialize` zeroes and sets up the parser it is
        // given (it fails only when it cannot allocate); the input is `text`,
        // which outlives the parser (`'a`), read as the UTF-8 it is.
        unsafe {
            let initialized = unsafe_sys::yaml_parser_initialize(parser.as_mut_ptr()).ok;
            assert!(initialized, "libyaml could not allocate a parser");
            unsafe_sys::yaml_parser_set_encoding(parser.as_mut_ptr(), unsafe_sys::YAML_UTF8_ENCODING);
            unsafe_sys::yaml_parser_set_input_string(parser.as_mut_ptr(), text.as_ptr(), text.len() as u64);
        }
        Events { parser, finished: false, text: PhantomData }
    }
}

impl Iterator for Events<'_> {
    type Item = Result<Event, Syntax>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let parser = self.parser.as_mut_ptr();
        let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
        // SAFETY: the parser was initialized in `new` and never moves (it is
        // boxed). A successful `yaml_parser_parse` fills `event`, whose union
        // is read by its `type_`, and which is deleted once read; after a
        // failure nothing is read but the parser's error mark, and the parser
        // is not asked again.
        unsafe {
            if !unsafe_sys::yaml_parser_parse(parser, event.as_mut_ptr()).ok {
                self.finished = true;
                let mark = (&*parser).problem_mark;
                return Some(Err(Syntax { line: mark.line + 1, column: mark.column + 1 }));
            }
            let event = event.as_mut_ptr();
            let node = |collection, anchor: *const u8| Event::Node { collection, anchored: !anchor.is_null() };
            let read = match (*event).type_ {
                unsafe_sys::YAML_SCALAR_EVENT => node(false, (*event).data.scalar.anchor),
                unsafe_sys::YAML_SEQUENCE_START_EVENT => node(true, (*event).data.sequence_start.anchor),
                unsafe_sys::YAML_MAPPING_START_EVENT => node(true, (*event).data.mapping_start.anchor),
                unsafe_sys::YAML_SEQUENCE_END_EVENT | unsafe_sys::YAML_MAPPING_END_EVENT => Event::End,
                unsafe_sys::YAML_ALIAS_EVENT => Event::Alias,
                other => {
                    self.finished = other == unsafe_sys::YAML_STREAM_END_EVENT;
                    Event::Marker
                }
            };
            unsafe_sys::yaml_event_delete(event);
            Some(Ok(read))
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: the parser was initialized in `new` and is deleted once.
        unsafe { unsafe_sys::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::{Event, Events, Syntax};

    fn events(text: &str) -> Vec<Result<Event, Syntax>> {
        Events::new(text).collect()
    }

    #[test]
    fn anchors_and_aliases_are_events() {
        let read = events("a: &x [1]\nb: *x\n");
        let node = |collection, anchored| Ok(Event::Node { collection, anchored });
        let expected = [
            Ok(Event::Marker),
            Ok(Event::Marker),
            node(true, false),
            node(false, false),
            node(true, true),
            node(false, false),
            Ok(Event::End),
            node(false, false),
            Ok(Event::Alias),
            Ok(Event::End),
            Ok(Event::Marker),
            Ok(Event::Marker),
        ];
        assert_eq!(read, expected);
    }

    #[test]
    fn a_syntax_error_ends_the_stream() {
        let read = events("a: [1\nb: 2\n");
        assert!(matches!(read.last(), Some(Err(Syntax { line: 2, .. }))), "{read:?}");
    }
}
