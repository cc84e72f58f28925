//! The catalog's simple collections: release notes of revisions, packages
//! of an API, and the tenant's product groups.

use super::collections::Collection;
use crate::domain::validate;
use crate::error::{Error, Result};
use crate::store::owned::Owned;
use crate::store::{Arg, Conn, api_catalog, flag, from_json, to_json, to_time};
use keyward_api::api_catalog::{
    ApiPackage, ApiPackageBody, ApiProduct, ApiProductBody, ApiRelease, ApiReleaseCreate, ApiReleaseUpdate,
};

/// Longest release notes.
const NOTES_MAX: usize = 64 * 1024;

pub struct Releases;

#[derive(sqlx::FromRow)]
pub struct ReleaseRow {
    id: i64,
    revision_id: i64,
    notes: String,
    created_at: i64,
    updated_at: i64,
}

impl Collection for Releases {
    type Row = ReleaseRow;
    type Item = ApiRelease;
    type Create = ApiReleaseCreate;
    type Update = ApiReleaseUpdate;
    const STORE: Owned = Owned {
        table: "api_releases",
        parent: "resource_id",
        columns: &["revision_id", "notes"],
        changeable: &["notes"],
    };
    const NOUN: &'static str = "release";

    async fn create_values(conn: &mut Conn, tenant: i64, parent: i64, body: &ApiReleaseCreate) -> Result<Vec<Arg>> {
        validate::length("notes", &body.notes, 1, NOTES_MAX)?;
        if api_catalog::get_revision(conn, tenant, parent, body.aid).await?.is_none() {
            return Err(Error::Invalid(format!("`aid` {} is not a revision of API resource {parent}", body.aid)));
        }
        Ok(vec![Arg::Int(body.aid), Arg::Text(body.notes.clone())])
    }

    async fn update_values(_: &mut Conn, _: i64, _: i64, body: &ApiReleaseUpdate) -> Result<Vec<Arg>> {
        validate::length("notes", &body.notes, 1, NOTES_MAX)?;
        Ok(vec![Arg::Text(body.notes.clone())])
    }

    async fn item(_: &mut Conn, row: ReleaseRow) -> Result<ApiRelease> {
        Ok(ApiRelease {
            id: row.id,
            aid: row.revision_id,
            notes: row.notes,
            created: to_time(row.created_at),
            updated: to_time(row.updated_at),
        })
    }
}

pub struct Packages;

#[derive(sqlx::FromRow)]
pub struct PackageRow {
    id: i64,
    name: String,
    description: String,
    publisher: String,
    link: String,
    icon: String,
    platform: String,
    language: String,
    show_index: i64,
    tags: String,
    created_at: i64,
    updated_at: i64,
}

fn package_values(body: &ApiPackageBody) -> Result<Vec<Arg>> {
    validate::length("name", &body.name, 1, 200)?;
    validate::length("description", &body.description, 0, 1000)?;
    validate::length("publisher", &body.publisher, 1, 200)?;
    validate::web_url("link", &body.link)?;
    validate::web_url("icon", &body.icon)?;
    validate::token("packagePlatform", &body.package_platform, 50)?;
    validate::length("language", &body.language, 1, 50)?;
    validate::labels("tags", &body.tags)?;
    Ok(vec![
        Arg::Text(body.name.clone()),
        Arg::Text(body.description.clone()),
        Arg::Text(body.publisher.clone()),
        Arg::Text(body.link.clone()),
        Arg::Text(body.icon.clone()),
        Arg::Text(body.package_platform.clone()),
        Arg::Text(body.language.clone()),
        Arg::Int(flag(body.show_index)),
        Arg::Text(to_json(&body.tags)),
    ])
}

const PACKAGE_COLUMNS: &[&str] =
    &["name", "description", "publisher", "link", "icon", "platform", "language", "show_index", "tags"];

impl Collection for Packages {
    type Row = PackageRow;
    type Item = ApiPackage;
    type Create = ApiPackageBody;
    type Update = ApiPackageBody;
    const STORE: Owned =
        Owned { table: "api_packages", parent: "resource_id", columns: PACKAGE_COLUMNS, changeable: PACKAGE_COLUMNS };
    const NOUN: &'static str = "package";

    async fn create_values(_: &mut Conn, _: i64, _: i64, body: &ApiPackageBody) -> Result<Vec<Arg>> {
        package_values(body)
    }

    async fn update_values(_: &mut Conn, _: i64, _: i64, body: &ApiPackageBody) -> Result<Vec<Arg>> {
        package_values(body)
    }

    async fn item(_: &mut Conn, row: PackageRow) -> Result<ApiPackage> {
        Ok(ApiPackage {
            id: row.id,
            name: row.name,
            description: row.description,
            publisher: row.publisher,
            link: row.link,
            icon: row.icon,
            package_platform: row.platform,
            language: row.language,
            show_index: row.show_index != 0,
            tags: from_json(&row.tags)?,
            created: to_time(row.created_at),
            updated: to_time(row.updated_at),
        })
    }
}

pub struct Products;

#[derive(sqlx::FromRow)]
pub struct ProductRow {
    id: i64,
    name: String,
    description: String,
    created_at: i64,
    updated_at: i64,
}

/// Checks a product body, and that each of its APIs is one of `tenant`'s.
async fn product_values(conn: &mut Conn, tenant: i64, body: &ApiProductBody) -> Result<Vec<Arg>> {
    validate::length("name", &body.name, 1, 200)?;
    validate::length("description", &body.description, 0, 1000)?;
    let ids: Vec<String> = body.api_ids.iter().map(i64::to_string).collect();
    validate::distinct("apiIds", ids.iter().map(String::as_str))?;
    let tables = crate::store::locks::Table::ApiResources;
    if let Some(missing) = crate::store::locks::first_missing(conn, tables, tenant, &body.api_ids).await? {
        return Err(Error::Invalid(format!("`apiIds` names {missing}, which is not an API resource of this tenant")));
    }
    Ok(vec![Arg::Text(body.name.clone()), Arg::Text(body.description.clone())])
}

impl Collection for Products {
    type Row = ProductRow;
    type Item = ApiProduct;
    type Create = ApiProductBody;
    type Update = ApiProductBody;
    const STORE: Owned = Owned {
        table: "api_products",
        parent: "tenant_id",
        columns: &["name", "description"],
        changeable: &["name", "description"],
    };
    const NOUN: &'static str = "product group";

    async fn create_values(conn: &mut Conn, tenant: i64, _: i64, body: &ApiProductBody) -> Result<Vec<Arg>> {
        product_values(conn, tenant, body).await
    }

    async fn update_values(conn: &mut Conn, tenant: i64, _: i64, body: &ApiProductBody) -> Result<Vec<Arg>> {
        product_values(conn, tenant, body).await
    }

    async fn after_create(conn: &mut Conn, id: i64, body: &ApiProductBody) -> Result<()> {
        api_catalog::replace_members(conn, id, &body.api_ids).await
    }

    async fn after_update(conn: &mut Conn, id: i64, body: &ApiProductBody) -> Result<()> {
        api_catalog::replace_members(conn, id, &body.api_ids).await
    }

    async fn item(conn: &mut Conn, row: ProductRow) -> Result<ApiProduct> {
        Ok(ApiProduct {
            api_ids: api_catalog::members(conn, row.id).await?,
            id: row.id,
            name: row.name,
            description: row.description,
            created: to_time(row.created_at),
            updated: to_time(row.updated_at),
        })
    }
}
