//! Interrupted writes: the `toolgen` binary, rewriting an existing generated crate from a large
//! synthetic tool set, is killed (SIGKILL) at many points. After each kill the output folder is
//! byte for byte the old crate or the new one, never a mix, and the next run succeeds and leaves
//! no leftovers.
//!
//! The kill points are deterministic (the hidden `TOOLGEN_WRITE_PAUSE` hook stops the process at
//! a named step of the write: after the n-th staged file, once staged, once swapped, and between
//! the two renames of the fallback that `TOOLGEN_WRITE_NO_EXCHANGE` forces) and varied (delays
//! spread over a whole run). No assertion depends on timing: a delayed kill may land anywhere.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use toolgen::synth::Rng;

/// Tools in the old synthetic set (the new one drops a fifth and adds a quarter): hundreds of
/// files to write, and each kill costs about two runs, so it stays modest for CI.
const TOOLS: usize = 120;

/// Every file below `dir` (hidden ones and foreign ones included) with its bytes.
type Tree = BTreeMap<String, Vec<u8>>;

fn tree(dir: &Path) -> Tree {
    let mut files = Tree::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("inside").to_string_lossy();
                files.insert(rel.replace('\\', "/"), fs::read(&path).expect("read"));
            }
        }
    }
    files
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create");
    for entry in fs::read_dir(from).expect("list") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

/// Names in `parent` that an interrupted write leaves behind.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".toolgen-"))
        .collect()
}

fn write_schemas(dir: &Path, files: &BTreeMap<String, String>) {
    let provider = dir.join("synth");
    fs::create_dir_all(&provider).expect("create");
    for (name, text) in files {
        fs::write(provider.join(name), text).expect("write a tool");
    }
}

fn toolgen(schemas: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toolgen"));
    // Run outside the repository, so that its `toolgen.toml` does not apply.
    command
        .current_dir(std::env::temp_dir())
        .arg("generate")
        .arg("--schemas")
        .arg(schemas)
        .arg("--out")
        .arg(out)
        .env_remove("TOOLGEN_WRITE_PAUSE")
        .env_remove("TOOLGEN_WRITE_NO_EXCHANGE");
    command
}

fn run_to_end(schemas: &Path, out: &Path) {
    let output = toolgen(schemas, out).output().expect("run toolgen");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// How a run is interrupted.
#[derive(Debug, Clone)]
enum Kill {
    /// At a `TOOLGEN_WRITE_PAUSE` point; with `fallback`, the exchange is not used.
    At { point: String, fallback: bool },
    /// After a delay from the start.
    After(Duration),
}

/// Starts the rewrite and kills it as `kill` says.
fn interrupt(schemas: &Path, out: &Path, kill: &Kill) {
    let mut command = toolgen(schemas, out);
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    match kill {
        Kill::At { point, fallback } => {
            command.env("TOOLGEN_WRITE_PAUSE", point);
            if *fallback {
                command.env("TOOLGEN_WRITE_NO_EXCHANGE", "1");
            }
            let mut child = command.spawn().expect("start toolgen");
            let stderr = child.stderr.take().expect("stderr");
            let mut seen = String::new();
            let mut paused = false;
            for line in BufReader::new(stderr).lines() {
                let line = line.expect("read stderr");
                if line == format!("toolgen: paused at {point}") {
                    paused = true;
                    break;
                }
                seen.push_str(&line);
                seen.push('\n');
            }
            kill_and_reap(&mut child);
            assert!(paused, "toolgen never reached {point}:\n{seen}");
        }
        Kill::After(delay) => {
            let mut child = command
                .stderr(Stdio::null())
                .spawn()
                .expect("start toolgen");
            std::thread::sleep(*delay);
            kill_and_reap(&mut child);
        }
    }
}

fn kill_and_reap(child: &mut Child) {
    // `Child::kill` is SIGKILL on Unix: no destructor, no cleanup runs. It fails only when the
    // process has already exited, which a delayed kill allows.
    let _ = child.kill();
    child.wait().expect("reap toolgen");
}

/// The old tool set, and a new one that drops, changes, keeps and adds tools.
fn tool_sets() -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let old: BTreeMap<String, String> = toolgen::synth::files(TOOLS, 11).into_iter().collect();
    let mut new = BTreeMap::new();
    for (i, (name, text)) in old.iter().enumerate() {
        match i % 5 {
            0 => {}
            1 => {
                let changed = text.replacen("\"description\": \"", "\"description\": \"New. ", 1);
                new.insert(name.clone(), changed);
            }
            _ => {
                new.insert(name.clone(), text.clone());
            }
        }
    }
    new.extend(toolgen::synth::files(TOOLS / 4, 12));
    (old, new)
}

#[test]
fn a_killed_write_leaves_the_old_crate_or_the_new_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let (old_tools, new_tools) = tool_sets();
    let (old_schemas, new_schemas) = (root.join("old-schemas"), root.join("new-schemas"));
    write_schemas(&old_schemas, &old_tools);
    write_schemas(&new_schemas, &new_tools);

    // The old crate, with foreign files that every version must keep.
    let base = root.join("base");
    run_to_end(&old_schemas, &base);
    fs::write(base.join("NOTES.md"), "kept").expect("foreign file");
    fs::create_dir_all(base.join("target/debug")).expect("foreign folder");
    fs::write(base.join("target/debug/artifact"), "kept").expect("foreign file");
    let old = tree(&base);

    let parent = root.join("work");
    fs::create_dir(&parent).expect("create");
    let out = parent.join("out");
    let reset = || {
        let _ = fs::remove_dir_all(&out);
        copy_tree(&base, &out);
    };
    reset();
    let started = Instant::now();
    run_to_end(&new_schemas, &out);
    let full_run = started.elapsed();
    let new = tree(&out);
    assert_ne!(old, new);
    assert_eq!(new.get("NOTES.md").map(Vec::as_slice), Some(&b"kept"[..]));
    assert!(new.contains_key("target/debug/artifact"));
    let kept = old.keys().filter(|k| new.get(*k) == old.get(*k)).count();
    let replaced = old.keys().filter(|k| !new.contains_key(*k)).count();
    assert!(
        kept > 0 && replaced > 0,
        "the rewrite keeps, changes and removes files"
    );

    let mut plans = Vec::new();
    let at = |point: &str, fallback| Kill::At {
        point: point.to_string(),
        fallback,
    };
    let mut rng = Rng::new(7);
    plans.push(at("staging:1", false));
    for _ in 0..4 {
        plans.push(at(&format!("staging:{}", 1 + rng.below(new.len())), false));
    }
    plans.push(at(&format!("staging:{}", new.len()), false));
    plans.push(at("staged", false));
    plans.push(at("swapped", false));
    plans.push(at("half-swapped", true));
    plans.push(at("swapped", true));
    for step in 0..6u32 {
        // Spread over 0–120% of a whole run, jittered.
        let jitter = rng.below(1000) as f64 / 1000.0;
        plans.push(Kill::After(
            full_run.mul_f64((f64::from(step) + jitter) * 0.2),
        ));
    }

    let (mut saw_old, mut saw_new) = (0, 0);
    for kill in &plans {
        reset();
        interrupt(&new_schemas, &out, kill);
        let fallback_gap = matches!(kill, Kill::At { point, .. } if point == "half-swapped");
        if fallback_gap {
            // The fallback's window: no output folder, the old one retired beside it.
            assert!(!out.exists(), "{kill:?}");
            assert_eq!(tree(&parent.join(".out.toolgen-old")), old, "{kill:?}");
        } else {
            let now = tree(&out);
            if now == old {
                saw_old += 1;
            } else if now == new {
                saw_new += 1;
            } else {
                let mixed: Vec<&String> = now
                    .keys()
                    .chain(old.keys())
                    .filter(|k| now.get(*k) != old.get(*k) && now.get(*k) != new.get(*k))
                    .take(10)
                    .collect();
                panic!(
                    "after {kill:?} the output is neither the old crate nor the new one: {mixed:?}"
                );
            }
        }
        run_to_end(&new_schemas, &out);
        assert_eq!(tree(&out), new, "the run after {kill:?}");
        assert!(
            leftovers(&parent).is_empty(),
            "after {kill:?}: {:?}",
            leftovers(&parent)
        );
    }
    eprintln!(
        "{} kills over a {full_run:?} run writing {} files: {saw_old} left the old crate, \
         {saw_new} the new one",
        plans.len(),
        new.len()
    );
    assert!(saw_old > 0 && saw_new > 0);
}
