use super::*;

fn file(p: &str) -> Result<StorageUrl, String> {
    Ok(StorageUrl::File(PathBuf::from(p)))
}

fn s3(bucket: &str, prefix: &str) -> Result<StorageUrl, String> {
    Ok(StorageUrl::S3 {
        bucket: bucket.into(),
        prefix: prefix.into(),
    })
}

#[test]
fn storage_urls() {
    assert_eq!(
        StorageUrl::parse("file:///var/lib/antre/docs"),
        file("/var/lib/antre/docs")
    );
    assert_eq!(
        StorageUrl::parse("file://data/documents"),
        file("data/documents")
    );
    assert_eq!(
        StorageUrl::parse("file://localhost/srv/docs"),
        file("/srv/docs")
    );
    assert_eq!(StorageUrl::parse(" FILE:///x "), file("/x"));
    assert_eq!(StorageUrl::parse("s3://antre-docs"), s3("antre-docs", ""));
    assert_eq!(StorageUrl::parse("s3://antre-docs/"), s3("antre-docs", ""));
    assert_eq!(
        StorageUrl::parse("s3://antre.docs-2/prod/documents/"),
        s3("antre.docs-2", "prod/documents")
    );
    assert_eq!(
        StorageUrl::in_data_dir(FsPath::new("data")),
        StorageUrl::File(PathBuf::from("data/documents"))
    );
    assert_eq!(
        StorageUrl::parse("s3://b-1/p").map(|u| u.describe()),
        Ok("s3://b-1/p".into())
    );
}

#[test]
fn storage_urls_refused_with_one_line_reason() {
    for bad in [
        "",
        "documents",
        "/var/lib/antre",
        "gs://bucket",
        "https://s3.example.com/bucket",
        "file://",
        "file:///x?y=1",
        "s3://",
        "s3://ab",
        "s3://Upper",
        "s3://under_score",
        "s3://-edge",
        "s3://edge-",
        "s3://two..dots",
        "s3://user:secret@bucket",
        "s3://bucket:9000",
        "s3://bucket/a//b",
        "s3://bucket/../x",
        "s3://bucket/a/./b",
        "s3://bucket/a?x",
        &format!("s3://{}", "b".repeat(64)),
    ] {
        let err = StorageUrl::parse(bad).expect_err(bad);
        assert!(err.starts_with("ANTRE_STORAGE_URL: "), "{bad}: {err}");
        assert!(!err.contains('\n'), "{bad}: {err}");
    }
    let err = StorageUrl::parse("gs://bucket").expect_err("gs");
    assert!(err.contains("unsupported scheme \"gs\""), "{err}");
}

#[test]
fn file_store_round_trip_in_the_data_dir_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&StorageUrl::in_data_dir(dir.path())).expect("store");
    let key = "ab".repeat(32);
    store.put(&key, b"hello").expect("put");
    store.put(&key, b"hello").expect("put twice");
    assert_eq!(store.get(&key).expect("get"), Some(b"hello".to_vec()));
    // The layout data dirs have always had: documents/ab/ab/abab…
    let on_disk = dir
        .path()
        .join("documents")
        .join("ab")
        .join("ab")
        .join(&key);
    assert_eq!(std::fs::read(on_disk).expect("file"), b"hello");
    // A file written by an earlier version is read as it is.
    let old = "c0".repeat(32);
    let old_dir = dir.path().join("documents/c0/c0");
    std::fs::create_dir_all(&old_dir).expect("mkdir");
    std::fs::write(old_dir.join(&old), b"old").expect("write");
    assert_eq!(store.get(&old).expect("get"), Some(b"old".to_vec()));

    assert_eq!(
        store.put("../../etc/passwd", b"x"),
        Err(StoreError::InvalidKey)
    );
    assert_eq!(
        store.put(&"A".repeat(64), b"x"),
        Err(StoreError::InvalidKey)
    );
    assert_eq!(store.get("../x").expect("get"), None);
    assert_eq!(store.get(&"b".repeat(64)).expect("get"), None);
}

/// The way the app calls it: from a blocking thread of another runtime,
/// many at once; and dropped on an async thread when the server stops.
#[test]
fn called_from_blocking_threads_and_dropped_on_async_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store: Arc<dyn DocumentStore> =
        Arc::new(open(&StorageUrl::File(dir.path().to_path_buf())).expect("store"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let mut tasks = Vec::new();
        for i in 0..16u8 {
            let store = store.clone();
            tasks.push(tokio::task::spawn_blocking(move || {
                let key = format!("{i:02x}").repeat(32);
                store.put(&key, &[i; 100])?;
                store.get(&key)
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            let got = t.await.expect("join").expect("store");
            assert_eq!(got, Some(vec![i as u8; 100]));
        }
        drop(store);
    });
}

/// Nothing listens where the bucket should be: every call says the store
/// is unavailable, promptly, and never that a document is missing.
#[test]
fn unreachable_bucket_is_unavailable_promptly() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let builder = AmazonS3Builder::new()
        .with_endpoint(format!("http://127.0.0.1:{port}"))
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("test")
        .with_secret_access_key("test");
    let (s3, prefix) = s3_store(builder, "antre-docs", "p").expect("builder");
    let store = ObjectDocStore::new(s3, prefix).expect("store");
    let key = "d".repeat(64);
    let started = std::time::Instant::now();
    assert!(matches!(
        store.put(&key, b"x"),
        Err(StoreError::Unavailable(_))
    ));
    assert!(matches!(store.get(&key), Err(StoreError::Unavailable(_))));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}
