//! The chapter's data, split as the chapter splits it.
//!
//! `cargo run -p datasets --example chapter_splits`

use std::process::ExitCode;

use datasets::{DataDir, california, images, split};

fn run() -> datasets::Result<()> {
    // ANCHOR: fashion
    let dir = DataDir::from_env(); // NEURONS_DATA_DIR, else datasets/
    let fashion = images::load_fashion_mnist(&dir)?;
    // Keras style: the last 5,000 training images are the validation set.
    let (train, valid) = fashion.train.split_off_last(5_000)?;
    let x_train = train.images.to_matrix_f32(); // pixels / 255, one row per image
    println!(
        "Fashion-MNIST: X_train {:?}, {} validation, {} test",
        x_train.shape(),
        valid.len(),
        fashion.test.len()
    );
    println!("first training image: {}", fashion.class_names[usize::from(train.labels[0])]);
    // ANCHOR_END: fashion

    // ANCHOR: california
    let housing = california::load_california_housing(&dir)?;
    // scikit-learn style, twice, with random_state=42: the same rows as
    // the chapter's train_test_split calls.
    let full = split::train_test_split(housing.x.nrows(), split::DEFAULT_TEST_SIZE, 42)?;
    let inner = split::train_test_split(full.train.len(), split::DEFAULT_TEST_SIZE, 42)?;
    let rows = |part: &[usize]| part.iter().map(|&i| full.train[i]).collect::<Vec<_>>();
    let (train_rows, valid_rows) = (rows(&inner.train), rows(&inner.test));
    let x_train = housing.x.select_rows(&train_rows);
    let y_valid = housing.y.select_rows(&valid_rows);
    println!(
        "California housing: X_train {:?}, y_valid {} rows, X_test {} rows",
        x_train.shape(),
        y_valid.len(),
        full.test.len()
    );
    // ANCHOR_END: california
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
