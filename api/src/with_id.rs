//! OAuthApp's `PUT /api/{Resource}` (contract §3.2, `CPut`): the entity to
//! change names itself by `id` in the body, beside the fields to change.

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::Schema;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// An update body `T` with the `id` of what it changes. `id` is optional
/// here so that its absence gets a precise 422 rather than a parse error;
/// the document lists it as required. Every other field is `T`'s, with
/// `T`'s rules (unknown fields are refused).
#[derive(Debug, Clone)]
pub struct WithId<T> {
    pub id: Option<i64>,
    pub body: T,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for WithId<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        let id = match fields.remove("id") {
            None | Some(Value::Null) => None,
            Some(id) => Some(i64::deserialize(id).map_err(|e| D::Error::custom(format!("`id`: {e}")))?),
        };
        let body = T::deserialize(Value::Object(fields)).map_err(D::Error::custom)?;
        Ok(WithId { id, body })
    }
}

impl<T: Serialize> Serialize for WithId<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(&self.body).map_err(serde::ser::Error::custom)?;
        if let (Value::Object(fields), Some(id)) = (&mut value, self.id) {
            fields.insert("id".into(), id.into());
        }
        value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for WithId<T> {
    fn schema_name() -> String {
        format!("{}WithId", T::schema_name())
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = T::json_schema(generator).into_object();
        let description = schema.metadata().description.take().unwrap_or_default();
        schema.metadata().description = Some(
            format!("{description} `id` names what to change (OAuthApp's `PUT /api/{{Resource}}`).").trim().into(),
        );
        let object = schema.object();
        let mut id = i64::json_schema(generator).into_object();
        id.metadata().description = Some("The id of what to change.".into());
        object.properties.insert("id".into(), id.into());
        object.required.insert("id".into());
        Schema::Object(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::WithId;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Change {
        name: Option<String>,
    }

    fn parse(body: serde_json::Value) -> Result<WithId<Change>, String> {
        serde_json::from_value(body).map_err(|e| e.to_string())
    }

    #[test]
    fn the_id_comes_out_and_the_rest_keeps_its_rules() {
        let parsed = parse(json!({"id": 7, "name": "a"})).unwrap();
        assert_eq!((parsed.id, parsed.body), (Some(7), Change { name: Some("a".into()) }));
        assert_eq!(parse(json!({"name": "a"})).unwrap().id, None);
        assert!(parse(json!({"id": "seven"})).unwrap_err().starts_with("`id`: invalid type"));
        assert!(parse(json!({"id": 7, "nmae": "a"})).unwrap_err().contains("unknown field `nmae`"));
        assert!(parse(json!([7])).is_err());
    }
}
