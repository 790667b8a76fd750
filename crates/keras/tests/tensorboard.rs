//! TensorBoard files read back by an independent reader: a bitwise CRC-32C,
//! the TFRecord framing and a minimal protobuf decoder written here, not
//! taken from the crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keras::layers::{Dense, Input};
use keras::tensorboard::{SummaryWriter, TensorBoard, UpdateFreq, events};
use keras::{FitOptions, Labels, Sequential, Tensor, Verbosity};

/// CRC-32C, bit by bit (reflected polynomial 0x82F63B78).
fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    !crc
}

fn masked(data: &[u8]) -> u32 {
    crc32c(data).rotate_right(15).wrapping_add(0xa282_ead8)
}

/// Every record's data, checking the length and both checksums.
fn records(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let length = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        let length_crc = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap());
        assert_eq!(length_crc, masked(&bytes[at..at + 8]), "length checksum at byte {at}");
        let data = &bytes[at + 12..at + 12 + length];
        let data_crc = u32::from_le_bytes(bytes[at + 12 + length..at + 16 + length].try_into().unwrap());
        assert_eq!(data_crc, masked(data), "data checksum at byte {at}");
        out.push(data.to_vec());
        at += 16 + length;
    }
    assert_eq!(at, bytes.len());
    out
}

/// A decoded protobuf field.
#[derive(Clone, Debug)]
enum Field {
    Varint(u64),
    Fixed64(f64),
    Bytes(Vec<u8>),
    Fixed32,
}

fn varint(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut value, mut shift) = (0u64, 0);
    loop {
        let b = bytes[*at];
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return value;
        }
        shift += 7;
    }
}

/// Field number → values, in order.
fn decode(bytes: &[u8]) -> BTreeMap<u64, Vec<Field>> {
    let mut fields: BTreeMap<u64, Vec<Field>> = BTreeMap::new();
    let mut at = 0;
    while at < bytes.len() {
        let key = varint(bytes, &mut at);
        let field = match key & 7 {
            0 => Field::Varint(varint(bytes, &mut at)),
            1 => {
                at += 8;
                Field::Fixed64(f64::from_le_bytes(bytes[at - 8..at].try_into().unwrap()))
            }
            2 => {
                let n = varint(bytes, &mut at) as usize;
                at += n;
                Field::Bytes(bytes[at - n..at].to_vec())
            }
            5 => {
                at += 4;
                Field::Fixed32
            }
            w => panic!("wire type {w}"),
        };
        fields.entry(key >> 3).or_default().push(field);
    }
    fields
}

fn bytes_of(fields: &BTreeMap<u64, Vec<Field>>, n: u64) -> Vec<u8> {
    match fields.get(&n).and_then(|f| f.first()) {
        Some(Field::Bytes(b)) => b.clone(),
        None => Vec::new(),
        other => panic!("field {n}: {other:?}"),
    }
}

fn varint_of(fields: &BTreeMap<u64, Vec<Field>>, n: u64) -> u64 {
    match fields.get(&n).and_then(|f| f.first()) {
        Some(Field::Varint(v)) => *v,
        None => 0,
        other => panic!("field {n}: {other:?}"),
    }
}

/// One summary value as read back.
#[derive(Debug)]
struct Read {
    step: i64,
    tag: String,
    plugin: String,
    data_class: u64,
    dtype: u64,
    shape: Vec<i64>,
    floats: Vec<f32>,
    doubles: Vec<f64>,
    strings: Vec<Vec<u8>>,
}

/// The file_version of the first event, then every summary value.
fn read_events(path: &Path) -> (String, Vec<Read>) {
    let records = records(path);
    let first = decode(&records[0]);
    let version = String::from_utf8(bytes_of(&first, 3)).unwrap();
    let mut values = Vec::new();
    for record in &records[1..] {
        let event = decode(record);
        let step = varint_of(&event, 2) as i64;
        let Some(Field::Fixed64(wall_time)) = event.get(&1).and_then(|f| f.first()) else {
            panic!("no wall_time")
        };
        assert!(*wall_time > 1.6e9, "wall_time {wall_time}");
        let summary = decode(&bytes_of(&event, 5));
        for value in summary.get(&1).into_iter().flatten() {
            let Field::Bytes(value) = value else { panic!("value") };
            let value = decode(value);
            let metadata = decode(&bytes_of(&value, 9));
            let plugin = decode(&bytes_of(&metadata, 1));
            let tensor = decode(&bytes_of(&value, 8));
            let shape = decode(&bytes_of(&tensor, 2));
            let dims = shape
                .get(&2)
                .into_iter()
                .flatten()
                .map(|d| match d {
                    Field::Bytes(d) => varint_of(&decode(d), 1) as i64,
                    other => panic!("dim {other:?}"),
                })
                .collect();
            let packed = bytes_of(&tensor, 5);
            let doubles = bytes_of(&tensor, 6);
            values.push(Read {
                step,
                tag: String::from_utf8(bytes_of(&value, 1)).unwrap(),
                plugin: String::from_utf8(bytes_of(&plugin, 1)).unwrap(),
                data_class: varint_of(&metadata, 4),
                dtype: varint_of(&tensor, 1),
                shape: dims,
                floats: packed.chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect(),
                doubles: doubles.chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect(),
                strings: tensor
                    .get(&8)
                    .into_iter()
                    .flatten()
                    .map(|s| match s {
                        Field::Bytes(s) => s.clone(),
                        other => panic!("string {other:?}"),
                    })
                    .collect(),
            });
        }
    }
    (version, values)
}

/// The only event file in `dir`.
fn event_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("events.out.tfevents."))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keras-tb-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

#[test]
fn crc_test_vector_by_both_implementations() {
    let vector = b"\x1a\x11CRC test, one two";
    assert_eq!(masked(vector), 0x5794d08a);
    assert_eq!(events::masked_crc(vector), 0x5794d08a);
    assert_eq!(crc32c(b"123456789"), 0xe306_9283); // the CRC-32C check value
}

#[test]
fn file_name_framing_and_first_record() {
    let dir = temp_dir("framing");
    let mut writer = SummaryWriter::new(&dir).unwrap();
    writer.scalar("x", 1.25, 7).unwrap();
    writer.flush().unwrap();
    let path = event_file(&dir);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let parts: Vec<&str> = name.split('.').collect();
    assert_eq!(&parts[..3], &["events", "out", "tfevents"], "{name}");
    assert!(parts[3].parse::<u64>().unwrap() > 1_600_000_000, "{name}");
    assert_eq!(parts[parts.len() - 2].parse::<u32>().unwrap(), std::process::id(), "{name}");
    let (version, values) = read_events(&path);
    assert_eq!(version, "brain.Event:2");
    assert_eq!(values.len(), 1);
    let v = &values[0];
    assert_eq!((v.step, v.tag.as_str(), v.plugin.as_str(), v.data_class, v.dtype), (7, "x", "scalars", 1, 1));
    assert!(v.shape.is_empty());
    assert_eq!(v.floats, [1.25]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plugin_layouts() {
    let dir = temp_dir("plugins");
    let mut writer = SummaryWriter::new(&dir).unwrap();
    writer.histogram("h", &[0.0f32, 1.0, 2.0, 3.0], 1, Some(3)).unwrap();
    writer.image("i", &[255u8; 2 * 3 * 5][..], [2, 3, 5, 1], 2).unwrap();
    writer.text("t", "hello", 3).unwrap();
    writer.audio("a", &[0.0, 1.0, -1.0], 8000, 4).unwrap();
    assert!(writer.image("bad", &[0u8; 5][..], [1, 2, 2, 1], 5).is_err());
    assert!(writer.image("bad", &[0u8; 4][..], [1, 2, 1, 2], 5).is_err());
    writer.flush().unwrap();
    let (_, values) = read_events(&event_file(&dir));
    assert_eq!(values.len(), 4);
    let h = &values[0];
    assert_eq!(
        (h.plugin.as_str(), h.data_class, h.dtype, h.shape.as_slice()),
        ("histograms", 2, 2, &[3, 3][..])
    );
    assert_eq!(h.doubles, [0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 2.0, 3.0, 2.0]);
    let i = &values[1];
    assert_eq!((i.plugin.as_str(), i.data_class, i.dtype, i.shape.as_slice()), ("images", 3, 7, &[4][..]));
    assert_eq!((i.strings[0].as_slice(), i.strings[1].as_slice()), (&b"5"[..], &b"3"[..])); // width, height
    for png in &i.strings[2..] {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 5); // IHDR width
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 3); // IHDR height
    }
    let t = &values[2];
    assert_eq!((t.plugin.as_str(), t.data_class, t.dtype, t.shape.len()), ("text", 2, 7, 0));
    assert_eq!(t.strings, [b"hello".to_vec()]);
    let a = &values[3];
    assert_eq!((a.plugin.as_str(), a.data_class, a.dtype, a.shape.as_slice()), ("audio", 3, 7, &[1][..]));
    let wav = &a.strings[0];
    assert_eq!((&wav[..4], &wav[8..12]), (&b"RIFF"[..], &b"WAVE"[..]));
    assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), 8000);
    let samples: Vec<i16> = wav[44..].chunks(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
    assert_eq!(samples, [0, 32767, -32767]);
    assert_eq!(values.iter().map(|v| v.step).collect::<Vec<_>>(), [1, 2, 3, 4]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn callback_writes_keras_tags_and_steps() {
    let root = temp_dir("callback");
    keras::clear_session();
    keras::set_random_seed(3);
    let x = Tensor::new((0..32).map(|i| ((i * 7) % 11) as f32 / 11.0).collect(), &[16, 2]).unwrap();
    let y = Labels::Classes((0..16).map(|i| i % 2).collect());
    let mut model =
        Sequential::new(vec![Input::new(&[2]).into(), Dense::new(2).activation("softmax").into()]).unwrap();
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let mut tensorboard = TensorBoard::new(&root).update_freq(UpdateFreq::Batch(3)).histogram_freq(1);
    let history = model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 2,
                batch_size: 4,
                validation_data: Some((&x, &y).into()),
                verbose: Verbosity::Silent,
                callbacks: vec![&mut tensorboard],
                ..Default::default()
            },
        )
        .unwrap();
    tensorboard.result().unwrap();

    let (version, train) = read_events(&event_file(&root.join("train")));
    assert_eq!(version, "brain.Event:2");
    let series = |values: &[Read], tag: &str| -> Vec<(i64, f32)> {
        values.iter().filter(|v| v.tag == tag).map(|v| (v.step, v.floats[0])).collect()
    };
    for (tag, key) in [("epoch_loss", "loss"), ("epoch_accuracy", "accuracy")] {
        let expected: Vec<(i64, f32)> =
            history.get(key).iter().enumerate().map(|(e, &v)| (e as i64, v as f32)).collect();
        assert_eq!(series(&train, tag), expected, "{tag}");
    }
    assert_eq!(series(&train, "epoch_learning_rate"), [(0, 0.01), (1, 0.01)]);
    // 4 batches per epoch, 8 in all: every third global batch (steps 3, 6).
    let batch_steps: Vec<i64> = series(&train, "batch_loss").iter().map(|&(s, _)| s).collect();
    assert_eq!(batch_steps, [3, 6]);
    assert_eq!(series(&train, "batch_accuracy").len(), 2);
    for tag in ["dense/kernel/histogram", "dense/bias/histogram"] {
        let h: Vec<&Read> = train.iter().filter(|v| v.tag == tag).collect();
        assert_eq!(h.iter().map(|v| v.step).collect::<Vec<_>>(), [0, 1], "{tag}");
        assert!(h.iter().all(|v| v.plugin == "histograms" && v.shape == [30, 3]), "{tag}");
        let count: f64 = h[0].doubles.chunks(3).map(|row| row[2]).sum();
        assert_eq!(count, if tag.contains("kernel") { 4.0 } else { 2.0 }, "{tag}");
    }
    assert!(train.iter().all(|v| v.plugin == "scalars" || v.tag.ends_with("/histogram")));
    assert!(!train.iter().any(|v| v.tag.contains("val_")));

    let (_, validation) = read_events(&event_file(&root.join("validation")));
    for (tag, key) in [("epoch_loss", "val_loss"), ("epoch_accuracy", "val_accuracy")] {
        let expected: Vec<(i64, f32)> =
            history.get(key).iter().enumerate().map(|(e, &v)| (e as i64, v as f32)).collect();
        assert_eq!(series(&validation, tag), expected, "{tag}");
    }
    let vs_iterations = series(&validation, "evaluation_loss_vs_iterations");
    assert_eq!(vs_iterations.iter().map(|&(s, _)| s).collect::<Vec<_>>(), [4, 8]);
    assert_eq!(vs_iterations[1].1, history.get("val_loss")[1] as f32);
    assert_eq!(validation.len(), 8);
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn unwritable_log_dir_is_an_error_naming_it() {
    let root = temp_dir("unwritable");
    std::fs::write(&root, b"a file, not a folder").unwrap();
    let error = SummaryWriter::new(root.join("run")).unwrap_err().to_string();
    assert!(error.contains(&root.display().to_string()), "{error}");

    // The callback stops training and keeps the error.
    let x = Tensor::new(vec![0.0; 8], &[4, 2]).unwrap();
    let y = Labels::Classes(vec![0, 1, 0, 1]);
    let mut model =
        Sequential::new(vec![Input::new(&[2]).into(), Dense::new(2).activation("softmax").into()]).unwrap();
    model.compile("sparse_categorical_crossentropy", "sgd", &[]).unwrap();
    let mut tensorboard = TensorBoard::new(root.join("run"));
    let history = model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 5,
                verbose: Verbosity::Silent,
                callbacks: vec![&mut tensorboard],
                ..Default::default()
            },
        )
        .unwrap();
    assert!(history.epoch.len() < 5, "training should stop: {:?}", history.epoch);
    let error = tensorboard.result().unwrap_err().to_string();
    assert!(error.contains("train"), "{error}");
    std::fs::remove_file(&root).ok();
}
