//! `cargo xtask sdk publish [--npm-registry URL] [--pypi-repository URL]
//! [--crates dry-run|publish]`: packages the SDKs, then publishes each to the
//! registries named, with tokens from the environment (never printed). The
//! test publishes to a Verdaccio and a pypiserver started on loopback and
//! installs from them.

use crate::package::{
    Artifacts, check_npm_import, check_python_import, fresh_npm_project, fresh_venv, npm_install, path_str, pip_install,
};
use crate::registries::{PypiServer, Verdaccio};
use crate::util::{cargo, run_step};
use anyhow::{Context, Result, bail};
use std::process::Command;

/// Pinned so uploads behave the same everywhere.
const TWINE: &str = "twine==7.0.0";

/// Where each SDK goes; a missing one is not published.
#[derive(Default)]
pub struct Targets {
    npm_registry: Option<String>,
    pypi_repository: Option<String>,
    crates: Option<Crates>,
}

/// `cargo publish` for real (crates.io, `CARGO_REGISTRY_TOKEN`) or only its
/// `--dry-run`.
#[derive(Clone, Copy, PartialEq)]
enum Crates {
    DryRun,
    Publish,
}

const USAGE: &str =
    "usage: cargo xtask sdk publish [--npm-registry URL] [--pypi-repository URL] [--crates dry-run|publish]";

impl Targets {
    fn parse(args: &[&str]) -> Result<Targets> {
        let mut targets = Targets::default();
        for pair in args.chunks(2) {
            let [flag, value] = pair else { bail!("{USAGE}") };
            match *flag {
                "--npm-registry" => targets.npm_registry = Some(value.to_string()),
                "--pypi-repository" => targets.pypi_repository = Some(value.to_string()),
                "--crates" => {
                    targets.crates = Some(match *value {
                        "dry-run" => Crates::DryRun,
                        "publish" => Crates::Publish,
                        _ => bail!("--crates takes dry-run or publish\n{USAGE}"),
                    })
                }
                _ => bail!("unknown flag {flag}\n{USAGE}"),
            }
        }
        if targets.npm_registry.is_none() && targets.pypi_repository.is_none() && targets.crates.is_none() {
            bail!("name at least one registry\n{USAGE}");
        }
        Ok(targets)
    }
}

/// The secrets a publication needs. No `Debug`: they must never be printed.
pub struct Credentials {
    /// `NPM_TOKEN`: an npm automation or publish token.
    npm_token: Option<String>,
    /// `PYPI_TOKEN` (as `__token__`), or `TWINE_USERNAME` and `TWINE_PASSWORD`.
    pypi: Option<(String, String)>,
}

impl Credentials {
    /// Reads what `targets` needs, failing before anything is built when a
    /// token is missing. `cargo publish` reads `CARGO_REGISTRY_TOKEN` (or
    /// `cargo login`'s credentials) itself.
    fn from_env(targets: &Targets) -> Result<Credentials> {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let npm_token = var("NPM_TOKEN");
        let pypi = match (var("PYPI_TOKEN"), var("TWINE_USERNAME"), var("TWINE_PASSWORD")) {
            (Some(token), _, _) => Some(("__token__".to_string(), token)),
            (None, Some(user), Some(password)) => Some((user, password)),
            _ => None,
        };
        if targets.npm_registry.is_some() && npm_token.is_none() {
            bail!("--npm-registry needs NPM_TOKEN in the environment");
        }
        if targets.pypi_repository.is_some() && pypi.is_none() {
            bail!("--pypi-repository needs PYPI_TOKEN, or TWINE_USERNAME and TWINE_PASSWORD, in the environment");
        }
        Ok(Credentials { npm_token, pypi })
    }
}

pub fn run(args: &[&str]) -> Result<()> {
    let targets = Targets::parse(args)?;
    let credentials = Credentials::from_env(&targets)?;
    publish(&crate::package::package()?, &targets, &credentials)
}

fn publish(artifacts: &Artifacts, targets: &Targets, credentials: &Credentials) -> Result<()> {
    if let Some(registry) = &targets.npm_registry {
        publish_npm(artifacts, registry, credentials.npm_token.as_deref().context("no NPM_TOKEN")?)?;
    }
    if let Some(repository) = &targets.pypi_repository {
        let (user, password) = credentials.pypi.as_ref().context("no PyPI credentials")?;
        let twine = crate::tools::python("twine", &[TWINE])?.join("twine");
        run_step(
            &format!("publish the Python SDK to {repository} (twine)"),
            Command::new(twine)
                .args(["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", repository])
                .args([&artifacts.wheel, &artifacts.sdist])
                .env("TWINE_USERNAME", user)
                .env("TWINE_PASSWORD", password),
        )?;
    }
    if let Some(mode) = targets.crates {
        let mut command = cargo(&["publish", "-p", "keyward-sdk", "--locked"]);
        if mode == Crates::DryRun {
            command.args(["--dry-run", "--allow-dirty"]);
        }
        run_step("publish the Rust SDK (cargo publish)", &mut command)?;
    }
    Ok(())
}

/// `npm publish` of the packed tarball with a throwaway user config (see
/// [`npm_user_config`]): the token is in neither a file nor a command line.
fn publish_npm(artifacts: &Artifacts, registry: &str, token: &str) -> Result<()> {
    let (registry, config) = npm_user_config(registry)?;
    let userconfig = crate::package::dist().join("build/npmrc");
    std::fs::write(&userconfig, config)?;
    run_step(
        &format!("publish the TypeScript SDK to {registry} (npm publish)"),
        Command::new("npm")
            .args(["publish", "--access", "public", "--loglevel", "warn", "--registry", &registry, "--userconfig"])
            .arg(&userconfig)
            .arg(&artifacts.npm)
            .env("NPM_TOKEN", token),
    )
}

/// The registry URL with its trailing slash, and an npm user config holding
/// only that registry and its token as `${NPM_TOKEN}`, which npm expands
/// from the environment itself.
fn npm_user_config(registry: &str) -> Result<(String, String)> {
    let registry = format!("{}/", registry.trim_end_matches('/'));
    let host_path = registry
        .strip_prefix("https:")
        .or_else(|| registry.strip_prefix("http:"))
        .context("--npm-registry must be an http(s) URL")?;
    let config = format!("registry={registry}\n{host_path}:_authToken=${{NPM_TOKEN}}\n");
    Ok((registry, config))
}

/// Publishes the packaged SDKs to a Verdaccio and a pypiserver started for
/// the test (and `cargo publish --dry-run`), then installs each from its
/// registry into a fresh project that imports it.
pub fn test(artifacts: &Artifacts) -> Result<()> {
    let work = crate::package::dist().join("registries");
    let npm = Verdaccio::start(&work.join("verdaccio"))?;
    let pypi = PypiServer::start(&work.join("pypiserver"))?;
    let targets = Targets {
        npm_registry: Some(npm.url.clone()),
        pypi_repository: Some(pypi.url.clone()),
        crates: Some(Crates::DryRun),
    };
    let credentials = Credentials { npm_token: Some(npm.token.clone()), pypi: Some(pypi.credentials()) };
    publish(artifacts, &targets, &credentials)?;

    let project = fresh_npm_project(&work.join("npm-project"))?;
    let cache = work.join("npm-cache");
    npm_install(&project, "@keyward/sdk", &["--registry", &npm.url, "--cache", path_str(&cache)?])?;
    check_npm_import(&project)?;
    let venv = fresh_venv(&work.join("venv"))?;
    pip_install(&venv, &["--index-url", &format!("{}/simple/", pypi.url), "keyward-sdk"])?;
    check_python_import(&venv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_npm_token_is_bound_to_the_registry_and_left_to_npm_to_expand() {
        let (registry, config) = npm_user_config("http://127.0.0.1:4873").unwrap();
        assert_eq!(registry, "http://127.0.0.1:4873/");
        assert_eq!(config, "registry=http://127.0.0.1:4873/\n//127.0.0.1:4873/:_authToken=${NPM_TOKEN}\n");
        let (_, config) = npm_user_config("https://npm.example.com/team/").unwrap();
        assert!(config.ends_with("\n//npm.example.com/team/:_authToken=${NPM_TOKEN}\n"), "{config}");
        assert!(npm_user_config("npm.example.com").is_err());
    }

    #[test]
    fn publish_flags_name_the_registries() {
        let targets = Targets::parse(&["--crates", "dry-run", "--npm-registry", "http://127.0.0.1:1"]).unwrap();
        assert!(targets.crates == Some(Crates::DryRun));
        assert_eq!(targets.npm_registry.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(targets.pypi_repository, None);
        for wrong in [&[][..], &["--crates"], &["--crates", "yes"], &["--pypi", "http://127.0.0.1:1"]] {
            let error = Targets::parse(wrong).err().expect("refused").to_string();
            assert!(error.contains("usage: cargo xtask sdk publish"), "{wrong:?}: {error}");
        }
    }
}
