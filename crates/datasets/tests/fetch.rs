//! The downloader against a loopback HTTP server: a good file is verified
//! and moved into place; a corrupted file, a truncated response or a 404
//! leave nothing in the data directory.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use common::{gzip, tree};
use datasets::catalog::{FileSpec, Packaging};
use datasets::fetch::{Action, fetch_file};
use datasets::read::sha256_hex;
use datasets::{Error, idx};

/// What the server answers for a path: status line, declared length, body.
type Route = (&'static str, &'static str, Option<usize>, Vec<u8>);

/// Serves `routes` on 127.0.0.1 in a background thread; returns the base URL.
fn serve(routes: Vec<Route>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok() && line.trim() != "" {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, body, length) = match routes.iter().find(|r| r.0 == path) {
                Some((_, status, length, body)) => (*status, body.clone(), length.unwrap_or(body.len())),
                None => ("404 Not Found", b"no such file".to_vec(), 12),
            };
            let head = format!("HTTP/1.1 {status}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
    });
    base
}

fn content() -> Vec<u8> {
    idx::encode_labels(&(0..1000).map(|i| (i % 10) as u8).collect::<Vec<_>>())
}

fn spec<'a>(urls: &'a [&'a str], sha: &'a str) -> FileSpec<'a> {
    FileSpec { relative: "toy/labels-idx1-ubyte", sha256: sha, urls, packaging: Packaging::Gzip }
}

fn leftovers(dir: &Path) -> Vec<String> {
    tree(dir)
}

#[test]
fn good_file_is_verified_and_moved_into_place() {
    let good = gzip(&content());
    let base = serve(vec![("/good.gz", "200 OK", None, good.clone())]);
    let sha = sha256_hex(&content());
    let url = format!("{base}/good.gz");
    let urls = [url.as_str()];
    let dir = tempfile::tempdir().unwrap();
    let (path, action) = fetch_file(&spec(&urls, &sha), dir.path(), false).unwrap();
    assert_eq!(path, dir.path().join("toy/labels-idx1-ubyte.gz"));
    assert_eq!(action, Action::Downloaded(url.clone()));
    assert_eq!(std::fs::read(&path).unwrap(), good);
    assert_eq!(leftovers(dir.path()), vec!["toy", "toy/labels-idx1-ubyte.gz"]);
    // A second fetch finds it and downloads nothing.
    let (_, action) = fetch_file(&spec(&urls, &sha), dir.path(), false).unwrap();
    assert_eq!(action, Action::AlreadyPresent);
}

#[test]
fn corrupted_file_fails_the_checksum_and_leaves_nothing() {
    let mut bad = content();
    bad[100] ^= 1;
    let base = serve(vec![("/bad.gz", "200 OK", None, gzip(&bad))]);
    let sha = sha256_hex(&content());
    let url = format!("{base}/bad.gz");
    let urls = [url.as_str()];
    let dir = tempfile::tempdir().unwrap();
    let err = fetch_file(&spec(&urls, &sha), dir.path(), false).unwrap_err();
    assert!(matches!(err, Error::Checksum { .. }), "{err:?}");
    assert!(err.to_string().contains(&sha), "{err}");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn truncated_response_fails_and_leaves_nothing() {
    let good = gzip(&content());
    let half = good[..good.len() / 2].to_vec();
    let base = serve(vec![("/short.gz", "200 OK", Some(good.len()), half)]);
    let sha = sha256_hex(&content());
    let url = format!("{base}/short.gz");
    let urls = [url.as_str()];
    let dir = tempfile::tempdir().unwrap();
    let err = fetch_file(&spec(&urls, &sha), dir.path(), false).unwrap_err();
    assert!(matches!(err, Error::Download { .. } | Error::Gzip { .. }), "{err:?}");
    assert!(err.to_string().contains("short.gz"), "{err}");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_bad_mirror_falls_back_to_the_next() {
    let base = serve(vec![("/good.gz", "200 OK", None, gzip(&content()))]);
    let sha = sha256_hex(&content());
    let (missing, good) = (format!("{base}/gone.gz"), format!("{base}/good.gz"));
    let urls = [missing.as_str(), good.as_str()];
    let dir = tempfile::tempdir().unwrap();
    let (_, action) = fetch_file(&spec(&urls, &sha), dir.path(), false).unwrap();
    assert_eq!(action, Action::Downloaded(good.clone()));
    // When every source fails, the error lists each one.
    let urls = [missing.as_str(), missing.as_str()];
    let dir = tempfile::tempdir().unwrap();
    let msg = fetch_file(&spec(&urls, &sha), dir.path(), false).unwrap_err().to_string();
    assert!(msg.contains("every source") && msg.contains("404"), "{msg}");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn archive_member_is_extracted_with_unix_line_endings() {
    let crlf = b"1,2\r\n3,4\r\n".to_vec();
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(crlf.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "Folder/data.csv", crlf.as_slice()).unwrap();
    let archive = gzip(&tar.into_inner().unwrap());
    let base = serve(vec![("/a.tgz", "200 OK", None, archive)]);
    let url = format!("{base}/a.tgz");
    let urls = [url.as_str()];
    let sha = sha256_hex(b"1,2\n3,4\n");
    let spec = FileSpec {
        relative: "toy/data.csv",
        sha256: &sha,
        urls: &urls,
        packaging: Packaging::TarGzMember("Folder/data.csv"),
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = fetch_file(&spec, dir.path(), false).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"1,2\n3,4\n");
    assert_eq!(leftovers(dir.path()), vec!["toy", "toy/data.csv"]);
    let wrong_member = FileSpec { packaging: Packaging::TarGzMember("Other/x.csv"), ..spec };
    let dir = tempfile::tempdir().unwrap();
    let msg = fetch_file(&wrong_member, dir.path(), false).unwrap_err().to_string();
    assert!(msg.contains("no member `Other/x.csv`"), "{msg}");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}
