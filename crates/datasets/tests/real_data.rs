//! Checks on the real files, where the data directory has them (always in
//! CI: `DataDir::for_test` fails there, and skips with a message
//! elsewhere). Reference values come from the chapter and from scikit-learn.

use datasets::{DataDir, Dataset, california, images, split};

#[test]
fn fashion_mnist_is_as_the_chapter_describes() {
    let Some(dir) = DataDir::for_test(Dataset::FashionMnist) else { return };
    let data = images::load_fashion_mnist(&dir).unwrap();
    assert_eq!(data.train.images.shape(), [60_000, 28, 28]);
    assert_eq!(data.test.images.shape(), [10_000, 28, 28]);
    // "The first image in the training set is an ankle boot" (class 9).
    assert_eq!(data.class_names[usize::from(data.train.labels[0])], "Ankle boot");
    assert_eq!(data.train.class_counts(10), vec![6_000; 10]);
    // The chapter's first three test images: ankle boot, pullover, trouser.
    assert_eq!(&data.test.labels[..3], &[9, 2, 1]);
    let (train, valid) = data.train.split_off_last(5_000).unwrap();
    assert_eq!((train.len(), valid.len()), (55_000, 5_000));
    assert_eq!(valid.images.image(0), data.train.images.image(55_000));
    let x = valid.images.to_matrix_f32();
    assert_eq!(x.shape(), (5_000, 784));
    assert!(x.iter().all(|&v| (0.0..=1.0).contains(&v)));
}

#[test]
fn california_matches_scikit_learn() {
    let Some(dir) = DataDir::for_test(Dataset::CaliforniaHousing) else { return };
    let data = california::load_california_housing(&dir).unwrap();
    assert_eq!(data.x.shape(), (20_640, 8));
    // Column sums of scikit-learn's fetch_california_housing() data and
    // target (scikit-learn 1.9, the same file).
    let expected = [
        7.98906495e+04,
        5.91119000e+05,
        1.12054555e+05,
        2.26353751e+04,
        2.94218400e+07,
        6.33783225e+04,
        7.35441620e+05,
        -2.46791870e+06,
    ];
    for (j, e) in expected.iter().enumerate() {
        let s = data.x.column(j).sum();
        assert!(
            (s - e).abs() <= 1e-8 * e.abs(),
            "column {} sums to {s}, scikit-learn {e}",
            data.feature_names[j]
        );
    }
    assert!((data.y.sum() - 42695.04061).abs() < 1e-6);
}

#[test]
fn splits_pick_scikit_learns_rows() {
    // train_test_split(np.arange(20640), random_state=42), then again on
    // the training part, as the chapter does (scikit-learn 1.9).
    let first = split::train_test_split(20_640, 0.25, 42).unwrap();
    assert_eq!(&first.test[..5], &[20046, 3024, 15663, 20484, 9814]);
    assert_eq!(&first.train[..5], &[8158, 18368, 19197, 3746, 13073]);
    let second = split::train_test_split(first.train.len(), 0.25, 42).unwrap();
    let train: Vec<usize> = second.train[..5].iter().map(|&i| first.train[i]).collect();
    let valid: Vec<usize> = second.test[..5].iter().map(|&i| first.train[i]).collect();
    assert_eq!(train, vec![16860, 12184, 19319, 10523, 12294]);
    assert_eq!(valid, vec![10919, 16047, 14172, 7641, 227]);
    assert_eq!((second.train.len(), second.test.len(), first.test.len()), (11_610, 3_870, 5_160));
}
