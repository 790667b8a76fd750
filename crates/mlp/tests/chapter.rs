//! The chapter's MLP examples, and the estimators' contract with
//! scikit-learn. Reference values come from scikit-learn 1.9.1 run on the
//! same data (`MLPRegressor(hidden_layer_sizes=[50, 50, 50],
//! random_state=42)` after `StandardScaler`, the chapter's splits).

use datasets::{DataDir, Dataset, california};
use mlp::chapter::{california_example, iris_example, xor_example, zero_init_example};
use mlp::{MlpClassifier, MlpError, MlpOptions, MlpRegressor};
use nalgebra::{DMatrix, dmatrix};

#[test]
fn xor_is_learned_by_a_2_2_1_sigmoid_network() {
    let r = xor_example(42).unwrap();
    assert_eq!(r.correct, 4, "outputs {:?}", r.outputs);
    assert_eq!(r.mlp.layers.len(), 2);
    assert_eq!(r.mlp.layers[0].w.shape(), (2, 2));
}

#[test]
fn zero_initialization_never_breaks_symmetry() {
    let r = zero_init_example().unwrap();
    assert_eq!(r.largest_difference, 0.0);
    assert!(r.hidden_weights.iter().flatten().any(|&w| w.abs() > 0.1), "the weights did move");
}

#[test]
fn california_reproduces_scikit_learn() {
    let Some(dir) = DataDir::for_test(Dataset::CaliforniaHousing) else { return };
    let r = california_example(&dir).unwrap();
    // scikit-learn: validation RMSE 0.5053326657967906 after 169 epochs,
    // final loss_ 0.10343861250017562.
    assert!((r.valid_rmse - 0.5053326657967906).abs() < 1e-3, "validation RMSE {}", r.valid_rmse);
    assert!(r.valid_rmse <= 0.51);
    assert!((r.loss - 0.10343861250017562).abs() < 1e-3, "final loss {}", r.loss);
    assert_eq!(r.sizes, (11_610, 3_870, 5_160));
}

#[test]
fn iris_classifier_reaches_the_chapter_accuracy() {
    let r = iris_example().unwrap();
    assert!(r.test_accuracy >= 0.93, "test accuracy {}", r.test_accuracy);
    assert!(r.valid_accuracy >= 0.9, "validation accuracy {}", r.valid_accuracy);
}

#[test]
fn first_epoch_matches_scikit_learn_exactly() {
    // Same initialization, same batches: the first epoch's loss is
    // scikit-learn's loss_curve_[0] = 0.8801380339865759 to rounding.
    let Some(dir) = DataDir::for_test(Dataset::CaliforniaHousing) else { return };
    let data = california::load_california_housing(&dir).unwrap();
    let full = datasets::split::train_test_split(20_640, 0.25, 42).unwrap();
    let inner = datasets::split::train_test_split(full.train.len(), 0.25, 42).unwrap();
    let rows: Vec<usize> = inner.train.iter().map(|&i| full.train[i]).collect();
    let x = mlp::StandardScaler::fit_transform(&data.x.select_rows(&rows)).unwrap().1;
    let y = DMatrix::from_iterator(rows.len(), 1, rows.iter().map(|&i| data.y[i]));
    let options = MlpOptions {
        hidden_layer_sizes: vec![50, 50, 50],
        random_state: 42,
        max_iter: 1,
        ..MlpOptions::default()
    };
    let mut reg = MlpRegressor::new(options);
    let history = reg.fit(&x, &y).unwrap();
    assert!((history.loss_curve[0] - 0.8801380339865759).abs() < 1e-9, "{}", history.loss_curve[0]);
}

#[test]
fn estimators_reject_bad_input_with_clear_errors() {
    let x = dmatrix![0.0, 1.0; 1.0, 0.0; 1.0, 1.0];
    let mut clf = MlpClassifier::new(MlpOptions::default());
    assert!(matches!(clf.predict(&x), Err(MlpError::NotFitted)));
    let err = clf.fit(&x, &[1, 1, 1]).unwrap_err().to_string();
    assert!(err.contains("two classes"), "{err}");
    let err = clf.fit(&x, &[0, 1]).unwrap_err().to_string();
    assert!(err.contains("3 rows") && err.contains("2 targets"), "{err}");
    let err = clf.fit_multilabel(&x, &dmatrix![0.0; 2.0; 1.0]).unwrap_err().to_string();
    assert!(err.contains("0 or 1"), "{err}");
    let mut reg = MlpRegressor::new(MlpOptions { learning_rate_init: -1.0, ..MlpOptions::default() });
    let err = reg.fit(&x, &dmatrix![1.0; 2.0; 3.0]).unwrap_err().to_string();
    assert!(err.contains("learning_rate"), "{err}");
    let bad = dmatrix![0.0, f64::NAN; 1.0, 0.0; 1.0, 1.0];
    let err = MlpRegressor::new(MlpOptions::default()).fit(&bad, &dmatrix![1.0; 2.0; 3.0]).unwrap_err();
    assert!(err.to_string().contains("not finite"), "{err}");
}

#[test]
fn classifier_outputs_follow_table_10_2() {
    let x = dmatrix![0.0, 0.0; 0.0, 1.0; 1.0, 0.0; 1.0, 1.0; 0.5, 0.5; 0.2, 0.9];
    let options = MlpOptions { hidden_layer_sizes: vec![4], max_iter: 50, ..MlpOptions::default() };
    // Binary: one sigmoid output; probabilities as [1 − p, p].
    let mut clf = MlpClassifier::new(options.clone());
    clf.fit(&x, &[3, 7, 7, 3, 3, 7]).unwrap();
    assert_eq!(clf.model().unwrap().outputs(), 1);
    let p = clf.predict_proba(&x).unwrap();
    assert!(p.row_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    assert!(clf.predict(&x).unwrap().iter().all(|c| [3, 7].contains(c)));
    // Multiclass: one softmax output per class.
    clf.fit(&x, &[0, 1, 2, 0, 1, 2]).unwrap();
    assert_eq!(clf.model().unwrap().outputs(), 3);
    assert!(clf.predict_proba(&x).unwrap().row_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    // Multilabel: one independent sigmoid per label.
    clf.fit_multilabel(&x, &dmatrix![0.0, 1.0; 1.0, 1.0; 1.0, 0.0; 0.0, 0.0; 1.0, 1.0; 0.0, 1.0]).unwrap();
    let p = clf.predict_proba(&x).unwrap();
    assert_eq!(p.ncols(), 2);
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
}
