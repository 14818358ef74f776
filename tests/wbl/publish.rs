//! `wbl publish`: the release build.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::helper::Fixture;

fn release(n: usize) -> Fixture {
    let fx = Fixture::with_toolkit();
    for i in 0..n {
        fx.write(
            &format!("districts/d{i:02}/district.toml"),
            &format!("[district]\nid = \"district-{i:02}\"\nname = \"District {i}\"\n\n[vars]\nplatform = \"Platform {i}\"\n"),
        );
    }
    fx
}

fn publish(fx: &Fixture, out: &str, extra: &[&str]) -> crate::helper::Run {
    publish_env(fx, out, extra, &[])
}

fn publish_env(fx: &Fixture, out: &str, extra: &[&str], env: &[(&str, &str)]) -> crate::helper::Run {
    let mut args = vec![
        "publish",
        "--toolkit",
        "toolkit",
        "--districts",
        "districts",
        "--out",
        out,
    ];
    args.extend(extra);
    fx.wbl_env(&args, env)
}

fn zips(fx: &Fixture, out: &str) -> BTreeMap<String, Vec<u8>> {
    fx.tree(out)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".zip"))
        .collect()
}

#[test]
fn publishes_every_district_with_checksums() {
    let fx = release(5);
    let run = publish(&fx, "rel", &["--jobs", "2"]);
    run.success();
    let bundles = zips(&fx, "rel");
    assert_eq!(bundles.len(), 6, "generic + 5 districts: {:?}", bundles.keys());
    assert!(bundles.contains_key("mini-1.2.3.zip"));
    assert!(bundles.contains_key("district-03-mini-1.2.3.zip"));

    // Every district also gets its two LMS cartridges.
    let files: BTreeMap<String, Vec<u8>> = fx.tree("rel").into_iter().collect();
    for name in ["district-03-mini-1.2.3", "mini-1.2.3"] {
        assert!(
            files.contains_key(&format!("lms/{name}.imscc")),
            "{:?}",
            files.keys()
        );
        assert!(files.contains_key(&format!("lms/{name}-canvas.imscc")));
    }

    // SHA256SUMS in `sha256sum -c` format, verified here by hand: each
    // bundle and cartridge once.
    let sums = fx.read("rel/SHA256SUMS");
    assert_eq!(sums.lines().count(), 18);
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").expect("two spaces between hash and name");
        let digest: String = Sha256::digest(&files[name])
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, digest, "{name}");
    }

    let release: serde_json::Value = serde_json::from_str(&fx.read("rel/release.json")).unwrap();
    assert_eq!(release["toolkit"]["version"], "1.2.3");
    assert_eq!(release["shard"], "1/1");
    assert_eq!(release["built"], "2000-01-01T00:00:00Z");
    assert_eq!(release["generic"]["bundle"]["file"], "mini-1.2.3.zip");
    let districts = release["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 5);
    assert_eq!(districts[2]["id"], "district-02");
    assert_eq!(
        districts[2]["bundle"]["size"],
        bundles["district-02-mini-1.2.3.zip"].len()
    );
    assert!(districts.iter().all(|d| d["error"].is_null()));
    assert_eq!(
        districts[2]["cartridges"][0]["file"],
        "lms/district-02-mini-1.2.3-canvas.imscc"
    );
}

#[test]
fn a_broken_district_is_reported_and_nothing_is_published() {
    let fx = release(3);
    fx.write(
        "districts/d01/district.toml",
        "[district]\nid = \"district-01\"\nname = \"Broken\"\n[vars]\nplatfrom = \"x\"\n",
    );
    let run = publish(&fx, "rel", &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "1 district failed:\n  d01: unknown variable `vars.platfrom` (districts/d01/district.toml:5)"
        ),
        "{}",
        run.stderr
    );
    // The others were built (each is reported), but a release is all or
    // nothing: half of one is never published.
    assert!(
        run.stderr.contains("nothing was published; `rel` is unchanged"),
        "{}",
        run.stderr
    );
    assert!(!fx.exists("rel"));
}

#[test]
fn shards_partition_the_release_and_output_is_deterministic() {
    let fx = release(7);
    publish(&fx, "all", &[]).success();
    publish(&fx, "again", &["--jobs", "1"]).success();
    assert_eq!(fx.tree("all"), fx.tree("again"), "same input, same bytes");

    let all = zips(&fx, "all");
    let mut union = BTreeMap::new();
    for k in 1..=3 {
        let out = format!("shard{k}");
        publish(&fx, &out, &["--shard", &format!("{k}/3")]).success();
        for (name, bytes) in zips(&fx, &out) {
            assert!(
                union.insert(name.clone(), bytes).is_none(),
                "{name} is in two shards"
            );
        }
        let release: serde_json::Value =
            serde_json::from_str(&fx.read(&format!("{out}/release.json"))).unwrap();
        assert_eq!(release["shard"], format!("{k}/3"));
        assert_eq!(
            release["generic"].is_null(),
            k != 1,
            "the generic bundle is in shard 1 only"
        );
    }
    assert_eq!(union, all, "the shards together equal the unsharded release");
    assert_eq!(publish(&fx, "x", &["--shard", "4/3"]).code, 2);
}

#[test]
fn deny_warnings_fails_districts_with_warnings() {
    let fx = release(2);
    fx.write(
        "districts/d00/district.toml",
        "[district]\nid = \"pale\"\nname = \"Pale\"\ncolor = \"#ffff99\"\n",
    );
    publish(&fx, "rel", &[]).success();
    let run = publish(&fx, "rel2", &["--deny-warnings"]);
    run.failure();
    assert!(
        run.stderr.contains("1 district failed:\n  d00: "),
        "{}",
        run.stderr
    );
    assert!(!fx.exists("rel2"));
}

#[cfg(unix)]
#[test]
fn pdf_with_a_browser_that_will_not_start_fails_once_and_keeps_the_release() {
    let fx = release(3);
    publish(&fx, "rel", &[]).success();
    let before = fx.tree("rel");
    let fake = fx.browser_that_will_not_start();
    let run = publish_env(
        &fx,
        "rel",
        &["--pdf", "--jobs", "2"],
        &[("WBL_BROWSER", fake.to_str().unwrap())],
    );
    run.failure();
    // Said once, before any district is built, with how to print by hand.
    assert_eq!(run.stderr.matches("could not start").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot open display"), "{}", run.stderr);
    assert!(run.stderr.contains("Save as PDF"), "{}", run.stderr);
    assert!(fx.tree("rel") == before, "the previous release is untouched");
}
