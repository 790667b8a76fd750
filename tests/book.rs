//! Checks of the book's sources in `book/src/`: that `mdbook build book`
//! will find every page, every included file and anchor, and every image.
//!
//! mdBook creates missing pages on its own when allowed to, and a missing
//! image or internal link only shows up as a broken page in a browser, so
//! these tests read the Markdown sources directly. Run them with
//! `cargo test -p neurons --test book`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// The workspace root (the umbrella package `neurons` lives there).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `book/src/`.
fn book_src() -> PathBuf {
    root().join("book").join("src")
}

/// Every `.md` file under `dir`, recursively, sorted.
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries =
            fs::read_dir(&folder).unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The text of `path`.
fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `path` relative to `book/src/`, for messages.
fn shown(path: &Path) -> String {
    path.strip_prefix(book_src()).unwrap_or(path).display().to_string()
}

/// Resolves `.` and `..` in `path` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Every Markdown link target `[text](target)` in `text`, in order,
/// including those of images `![alt](target)`, with their line numbers.
/// A title (`[a](x.md "title")`) and surrounding `<…>` are dropped.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let raw = after[..end].trim();
            let target = raw.split_whitespace().next().unwrap_or("");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            targets.push((number + 1, target.to_string()));
            rest = &after[end + 1..];
        }
    }
    targets
}

/// Every `src` of an `<img …>` tag in `text`, with its line number.
fn img_sources(text: &str) -> Vec<(usize, String)> {
    let mut sources = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("<img") {
            rest = &rest[start + 4..];
            let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
            if let Some(at) = tag.find("src=") {
                let value = &tag[at + 4..];
                let source = match value.chars().next() {
                    Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
                    _ => value.split_whitespace().next().unwrap_or(""),
                };
                sources.push((number + 1, source.to_string()));
            }
        }
    }
    sources
}

/// `text` with the lines of fenced code blocks (``` or ~~~) blanked, so that
/// examples in code are not taken for links or images. Line numbers stay.
fn outside_code(text: &str) -> String {
    let mut fence: Option<&str> = None;
    let mut kept = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        match fence {
            Some(marker) => {
                if trimmed.starts_with(marker) {
                    fence = None;
                }
                kept.push("");
            }
            None if trimmed.starts_with("```") || trimmed.starts_with("~~~") => {
                fence = Some(&trimmed[..3]);
                kept.push("");
            }
            None => kept.push(line),
        }
    }
    kept.join("\n")
}

/// Whether `target` points outside the book (a URL, a mail address).
fn is_external(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:") || target.starts_with("data:")
}

/// `target` without its `#fragment` or `?query`.
fn without_fragment(target: &str) -> &str {
    let end = target.find(['#', '?']).unwrap_or(target.len());
    &target[..end]
}

/// One `{{#include …}}`-like directive of a page.
#[derive(Debug, PartialEq)]
struct Include {
    /// The line number in the page.
    line: usize,
    /// The directive name (`include`, `rustdoc_include`, …).
    kind: String,
    /// The file path, relative to the page.
    path: String,
    /// The anchor, when the part after the path is a name rather than a
    /// line range.
    anchor: Option<String>,
}

/// Every `{{#include PATH}}`, `{{#include PATH:ANCHOR}}`,
/// `{{#rustdoc_include …}}` or `{{#playground …}}` directive of `text`, as
/// mdBook's `links` preprocessor finds them (also inside code blocks).
/// Escaped directives (`\{{#include …}}`) are skipped.
fn includes(text: &str) -> Vec<Include> {
    const KINDS: [&str; 3] = ["include", "rustdoc_include", "playground"];
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut offset = 0;
        while let Some(start) = line[offset..].find("{{#") {
            let at = offset + start;
            offset = at + 3;
            if line[..at].ends_with('\\') {
                continue;
            }
            let Some(end) = line[offset..].find("}}") else { break };
            let body = line[offset..offset + end].trim();
            let mut words = body.split_whitespace();
            let kind = words.next().unwrap_or("");
            if !KINDS.contains(&kind) {
                continue;
            }
            let argument = words.next().unwrap_or("");
            let (path, selector) = match argument.split_once(':') {
                Some((path, selector)) => (path, selector),
                None => (argument, ""),
            };
            // `PATH:10`, `PATH:10:20`, `PATH::20`, `PATH:10:` are line ranges.
            let is_range = selector.split(':').all(|part| part.chars().all(|c| c.is_ascii_digit()));
            found.push(Include {
                line: number + 1,
                kind: kind.to_string(),
                path: path.to_string(),
                anchor: (!is_range).then(|| selector.to_string()),
            });
            offset += end + 2;
        }
    }
    found
}

/// Whether `text` has a line with the marker `marker` (`ANCHOR` or
/// `ANCHOR_END`) followed by exactly the name `name`.
fn has_anchor_marker(text: &str, marker: &str, name: &str) -> bool {
    let prefix = format!("{marker}:");
    text.lines().any(|line| {
        line.match_indices(&prefix).any(|(at, _)| {
            // `ANCHOR:` must not be the tail of `ANCHOR_END:`, or the reverse.
            let before_ok = !line[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
            let word: String = line[at + prefix.len()..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            before_ok && word == name
        })
    })
}

/// The pages listed in `SUMMARY.md`, as paths under `book/src/`, with the
/// line numbers of their links. Panics on a draft chapter (`[Title]()`).
fn summary_pages() -> Vec<(usize, String)> {
    let summary = book_src().join("SUMMARY.md");
    let text = outside_code(&read(&summary));
    let mut pages = Vec::new();
    for (line, target) in link_targets(&text) {
        assert!(
            !target.is_empty(),
            "SUMMARY.md:{line}: draft chapter without a file; every listed page must exist"
        );
        if is_external(&target) {
            continue;
        }
        pages.push((line, without_fragment(&target).to_string()));
    }
    pages
}

#[test]
fn summary_links_point_to_existing_pages() {
    let src = book_src();
    let pages = summary_pages();
    assert!(!pages.is_empty(), "SUMMARY.md lists no page");
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for (line, page) in &pages {
        assert!(page.ends_with(".md"), "SUMMARY.md:{line}: {page} is not a .md page");
        if !src.join(page).is_file() {
            missing.push(format!("SUMMARY.md:{line}: {page}"));
        }
        assert!(seen.insert(page.clone()), "SUMMARY.md:{line}: {page} is listed twice");
    }
    assert!(missing.is_empty(), "pages listed but missing:\n{}", missing.join("\n"));
}

#[test]
fn every_page_is_listed_in_summary() {
    let src = book_src();
    let listed: BTreeSet<PathBuf> =
        summary_pages().into_iter().map(|(_, page)| normalize(&src.join(page))).collect();
    let orphans: Vec<String> = markdown_files(&src)
        .into_iter()
        .filter(|page| page != &src.join("SUMMARY.md"))
        .filter(|page| !listed.contains(&normalize(page)))
        .map(|page| shown(&page))
        .collect();
    assert!(orphans.is_empty(), "pages not listed in SUMMARY.md:\n{}", orphans.join("\n"));
}

#[test]
fn includes_resolve_to_files_and_anchors() {
    let mut problems = Vec::new();
    let mut count = 0;
    for page in markdown_files(&book_src()) {
        let folder = page.parent().expect("page folder");
        for include in includes(&read(&page)) {
            count += 1;
            let at = format!("{}:{}", shown(&page), include.line);
            let file = folder.join(&include.path);
            if include.path.is_empty() || !file.is_file() {
                problems.push(format!("{at}: {{{{#{} {}}}}}: no such file", include.kind, include.path));
                continue;
            }
            if let Some(anchor) = &include.anchor {
                let text = read(&file);
                for marker in ["ANCHOR", "ANCHOR_END"] {
                    if !has_anchor_marker(&text, marker, anchor) {
                        problems.push(format!("{at}: {} has no `{marker}: {anchor}`", include.path));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "unresolved includes ({count} checked):\n{}", problems.join("\n"));
}

#[test]
fn images_exist() {
    let mut problems = Vec::new();
    for page in markdown_files(&book_src()) {
        let folder = page.parent().expect("page folder");
        let text = outside_code(&read(&page));
        let images = text
            .lines()
            .enumerate()
            .flat_map(|(number, line)| {
                // Only the targets of `![alt](target)`, not of plain links.
                let mut rest = line;
                let mut found = Vec::new();
                while let Some(start) = rest.find("![") {
                    rest = &rest[start + 2..];
                    if let Some((_, target)) = link_targets(rest).into_iter().next() {
                        found.push((number + 1, target));
                    }
                }
                found
            })
            .chain(img_sources(&text));
        for (line, target) in images {
            if is_external(&target) {
                continue;
            }
            let target = without_fragment(&target);
            if target.is_empty() || !folder.join(target).is_file() {
                problems.push(format!("{}:{line}: {target}", shown(&page)));
            }
        }
    }
    assert!(problems.is_empty(), "missing images:\n{}", problems.join("\n"));
}

#[test]
fn links_between_pages_resolve() {
    let mut problems = Vec::new();
    for page in markdown_files(&book_src()) {
        let folder = page.parent().expect("page folder");
        for (line, target) in link_targets(&outside_code(&read(&page))) {
            let path = without_fragment(&target);
            if is_external(&target) || path.is_empty() || !path.ends_with(".md") {
                continue;
            }
            if !folder.join(path).is_file() {
                problems.push(format!("{}:{line}: {target}", shown(&page)));
            }
        }
    }
    assert!(problems.is_empty(), "broken links between pages:\n{}", problems.join("\n"));
}

/// The checks above are only as good as their parsers: test those on
/// known input, so that a parser that finds nothing cannot pass silently.
#[test]
fn parsers_find_what_they_should() {
    let text = "See [a](x.md) and ![fig](figures/f.png \"Figure 10-8\").\n\
                <img alt=\"g\" src='figures/g.svg'> and [web](https://example.com)";
    assert_eq!(
        link_targets(text),
        [(1, "x.md".to_string()), (1, "figures/f.png".to_string()), (2, "https://example.com".to_string())]
    );
    assert_eq!(img_sources(text), [(2, "figures/g.svg".to_string())]);
    assert!(is_external("https://example.com") && !is_external("figures/f.png"));
    assert_eq!(without_fragment("page.md#part"), "page.md");

    let page = "{{#include ../../crates/a/src/lib.rs:setup}}\n\
                ```rust\n{{#rustdoc_include x.rs:10:20}}\n```\n\
                \\{{#include escaped.rs}} {{#include y.rs}} {{#title Not a file}}";
    let found = includes(page);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].path, "../../crates/a/src/lib.rs");
    assert_eq!(found[0].anchor.as_deref(), Some("setup"));
    assert_eq!((found[1].kind.as_str(), found[1].line), ("rustdoc_include", 3));
    assert_eq!(found[1].anchor, None);
    assert_eq!((found[2].path.as_str(), found[2].anchor.as_deref()), ("y.rs", None));

    let source = "// ANCHOR: setup\nfn f() {}\n// ANCHOR_END: setup\n// ANCHOR: setup_more";
    assert!(has_anchor_marker(source, "ANCHOR", "setup"));
    assert!(has_anchor_marker(source, "ANCHOR_END", "setup"));
    assert!(!has_anchor_marker(source, "ANCHOR_END", "setup_more"));
    assert!(!has_anchor_marker("// ANCHOR_END: x", "ANCHOR", "x"));

    let fenced = "[a](a.md)\n```md\n[b](b.md)\n```\n[c](c.md)";
    let kept: Vec<String> = link_targets(&outside_code(fenced)).into_iter().map(|(_, t)| t).collect();
    assert_eq!(kept, ["a.md", "c.md"]);
    assert_eq!(normalize(Path::new("a/./b/../c.md")), Path::new("a/c.md"));
}
