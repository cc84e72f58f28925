//! OAuthApp's error-code tables ("错误码表", reference contract §3.3): the
//! business codes an answer's `code` may carry instead of its HTTP status.
//! [`CODES`] is the one table: `GET /api/Codes/{resource}` publishes it and
//! the server takes the codes it answers with from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A resource (OAuthApp controller) with an error-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CodeResource {
    User,
    Tenant,
    Client,
    ApiResource,
    ApiScope,
    IdentityResource,
    Role,
    CodeGen,
}

/// The path of `GET /api/Codes/{resource}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub struct CodesPath {
    pub resource: CodeResource,
}

/// One row of an error-code table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorCode {
    pub code: i64,
    pub name: String,
    pub description: String,
}

/// A business code Keyward answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusinessCode {
    PhoneNumberExists,
    PhoneNumberVerifyCodeError,
    EmailExists,
    EmailVerifyCodeError,
    VerifyPhoneCallLimited,
    VerifyPhoneTooManyRequests,
    GetSwaggerFailed,
    NpmOptionsMissing,
    GithubOptionsMissing,
    CommonOptionsMissing,
}

/// A row of [`CODES`].
#[derive(Debug, Clone, Copy)]
pub struct CodeEntry {
    pub resource: CodeResource,
    pub business: BusinessCode,
    pub code: u32,
    pub name: &'static str,
    pub description: &'static str,
}

/// Every business code Keyward answers with, under OAuthApp's numbers and
/// names. OAuthApp's other codes (e-mail send caps, the API gateway,
/// CodeGen's history insert) name failures Keyward does not answer with
/// them, so they are not listed; resources without rows have an empty
/// table, as in OAuthApp.
pub const CODES: &[CodeEntry] = &[
    CodeEntry {
        resource: CodeResource::User,
        business: BusinessCode::PhoneNumberExists,
        code: 100001,
        name: "Register_PhoneNumberExists",
        description: "The phone number is already registered (HTTP 409).",
    },
    CodeEntry {
        resource: CodeResource::User,
        business: BusinessCode::PhoneNumberVerifyCodeError,
        code: 100002,
        name: "PhoneNumberVerifyCodeError",
        description: "The SMS code is wrong, expired or used up, or (at password reset) no account uses the \
                      number (HTTP 400).",
    },
    CodeEntry {
        resource: CodeResource::User,
        business: BusinessCode::VerifyPhoneCallLimited,
        code: 100005,
        name: "VerifyPhone_CallLimited",
        description: "The daily limit of SMS codes for the number or the client address is reached (HTTP 429).",
    },
    CodeEntry {
        resource: CodeResource::User,
        business: BusinessCode::VerifyPhoneTooManyRequests,
        code: 100006,
        name: "VerifyPhone_TooManyRequests",
        description: "A code was sent to the number less than 60 s ago; the message says how many seconds to \
                      wait (HTTP 429).",
    },
    CodeEntry {
        resource: CodeResource::User,
        business: BusinessCode::EmailExists,
        code: 100003,
        name: "Register_EmailExists",
        description: "The e-mail address is already registered (HTTP 409).",
    },
    CodeEntry {
        resource: CodeResource::User,
        business: BusinessCode::EmailVerifyCodeError,
        code: 100004,
        name: "Register_EmailVerifyCodeError",
        description: "The e-mail registration code is wrong, expired or used up (HTTP 400).",
    },
    CodeEntry {
        resource: CodeResource::CodeGen,
        business: BusinessCode::GetSwaggerFailed,
        code: 200001,
        name: "GenerateClient_GetSwaggerFialed",
        description: "The document at `swaggerUrl` could not be fetched, or is not an OpenAPI document (HTTP 422).",
    },
    CodeEntry {
        resource: CodeResource::CodeGen,
        business: BusinessCode::NpmOptionsMissing,
        code: 200002,
        name: "NpmOptions_GetOptionsFialed",
        description: "The API has no npm options for the language (HTTP 404).",
    },
    CodeEntry {
        resource: CodeResource::CodeGen,
        business: BusinessCode::GithubOptionsMissing,
        code: 200003,
        name: "GithubOptions_GetOptionsFialed",
        description: "The API has no GitHub options (HTTP 404).",
    },
    CodeEntry {
        resource: CodeResource::CodeGen,
        business: BusinessCode::CommonOptionsMissing,
        code: 200004,
        name: "CommonOptions_GetOptionsFialed",
        description: "The API has no common options (HTTP 404).",
    },
];

impl BusinessCode {
    /// This code's row of [`CODES`].
    pub fn entry(self) -> &'static CodeEntry {
        CODES.iter().find(|e| e.business == self).expect("every business code has a row in CODES")
    }
}

/// The error-code table of `resource`.
pub fn table(resource: CodeResource) -> Vec<ErrorCode> {
    CODES
        .iter()
        .filter(|e| e.resource == resource)
        .map(|e| ErrorCode { code: e.code.into(), name: e.name.into(), description: e.description.into() })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_and_names_are_unique() {
        let codes = super::CODES;
        for (i, a) in codes.iter().enumerate() {
            for b in &codes[i + 1..] {
                assert!(a.code != b.code && a.name != b.name && a.business != b.business, "{} repeats", a.name);
            }
        }
    }
}
