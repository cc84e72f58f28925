//! Apps written against the seed systems keep working: each seed's own
//! paths, field names and envelopes, sent as those apps send them.

mod replayed;
mod seed000;
mod seed001;
mod seed004;
