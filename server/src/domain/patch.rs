//! The merge of an update body into the stored item: every admin update's
//! body has an `Option` per changeable field, absent meaning "keep".

/// `merge!(item <- body; a, b, c => f)`: each field the body has (`Some`)
/// replaces the item's, through `f` where given (trimming a name, or `Some`
/// for a field optional on both sides, where absent keeps the stored value).
macro_rules! merge {
    ($item:ident <- $body:ident; $($field:ident $(=> $map:expr)?),+ $(,)?) => {
        $(
            if let Some(value) = $body.$field {
                $item.$field = $crate::domain::patch::merge!(@map value $(, $map)?);
            }
        )+
    };
    (@map $value:ident) => { $value };
    (@map $value:ident, $map:expr) => { ($map)($value) };
}

pub(crate) use merge;

/// A name as stored: without surrounding blanks.
pub fn trim(name: String) -> String {
    name.trim().to_string()
}
