//! How admin commands print the server's answer: its JSON, or a table of the
//! most useful fields.

use clap::ValueEnum;
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Output {
    /// The answer's JSON body, as the API returns it.
    #[default]
    Json,
    /// Aligned columns of the most useful fields.
    Table,
}

/// Prints `answer`; `columns` are the fields a table shows, when present.
/// A reader that stopped early (`| head`) is not an error.
pub fn print(answer: impl Serialize, output: Output, columns: &[&str]) -> anyhow::Result<()> {
    let text = match output {
        Output::Json => serde_json::to_string_pretty(&answer)?,
        Output::Table => table(&serde_json::to_value(answer)?, columns),
    };
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The envelope's `data` as a table: one row per item of a list, one for a
/// single object; a scalar (a deleted id) as itself.
fn table(answer: &Value, columns: &[&str]) -> String {
    let data = answer.get("data").unwrap_or(answer);
    let rows: Vec<&Value> = match data {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![data],
        scalar => return cell(scalar),
    };
    let present = |name: &&str| rows.iter().any(|row| row.get(name).is_some());
    let mut names: Vec<&str> = columns.iter().copied().filter(present).collect();
    if names.is_empty() {
        names = rows
            .first()
            .and_then(|row| row.as_object())
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
    }
    let cells: Vec<Vec<String>> = std::iter::once(names.iter().map(|name| name.to_string()).collect())
        .chain(rows.iter().map(|row| names.iter().map(|name| row.get(name).map(cell).unwrap_or_default()).collect()))
        .collect();
    let widths: Vec<usize> =
        (0..names.len()).map(|i| cells.iter().map(|row| row[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out: Vec<String> = cells
        .iter()
        .map(|row| {
            let padded: Vec<String> = row.iter().zip(&widths).map(|(text, width)| format!("{text:width$}")).collect();
            padded.join("  ").trim_end().to_string()
        })
        .collect();
    if let (Some(total), Value::Array(items)) = (answer.get("total").and_then(Value::as_i64), data)
        && total > items.len() as i64
    {
        out.push(format!("({} of {total}: see --skip and --take)", items.len()));
    }
    out.join("\n")
}

/// One field as text: lists joined with commas, one-field objects (`{"scope": "x"}`) as their value.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        // A control character from the server (an escape sequence in a
        // user's nickname, say) must not reach the operator's terminal.
        Value::String(text) if text.chars().any(char::is_control) => text.escape_debug().to_string(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(","),
        Value::Object(object) if object.len() == 1 => object.values().map(cell).collect(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn lists_align_their_columns_and_flatten_nested_lists() {
        let answer = json!({ "total": 3, "data": [
            { "id": 1, "clientId": "billing", "allowedScopes": [{ "scope": "a" }, { "scope": "b" }], "extra": true },
            { "id": 22, "clientId": "web", "allowedScopes": [] },
        ]});
        assert_eq!(
            super::table(&answer, &["id", "clientId", "allowedScopes", "clientSecret"]),
            "id  clientId  allowedScopes\n1   billing   a,b\n22  web\n(2 of 3: see --skip and --take)"
        );
    }

    #[test]
    fn single_objects_and_scalars() {
        assert_eq!(super::table(&json!({ "data": { "name": "x", "v": null } }), &["id"]), "name  v\nx");
        assert_eq!(super::table(&json!({ "data": 7 }), &["id"]), "7");
    }
}
