//! The chapter's example: a perceptron that tells Iris setosa from the
//! other two species by the length and width of the petals.
//!
//! The chapter trains scikit-learn's `Perceptron(random_state=42)` on the
//! 150 flowers, then asks it about two new ones: a flower with 2 cm by
//! 0.5 cm petals is a setosa, one with 3 cm by 1 cm petals is not. The two
//! classes are linearly separable, so training ends with no error.
//!
//! ```
//! let example = perceptron::iris::iris_example()?;
//! assert_eq!(example.predictions, [true, false]);
//! assert_eq!(example.report.epochs.last().unwrap().errors, 0);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use nalgebra::{DMatrix, dmatrix};

use crate::{FitReport, Options, Perceptron, Result};

/// Everything the example computes.
#[derive(Clone, Debug)]
pub struct IrisExample {
    /// The trained perceptron (`true`: Iris setosa).
    pub classifier: Perceptron<bool>,
    /// Petal length and width (cm) of the 150 flowers.
    pub x: DMatrix<f64>,
    /// Whether each flower is an Iris setosa.
    pub y: Vec<bool>,
    /// The training record.
    pub report: FitReport,
    /// The accuracy on the 150 training flowers.
    pub training_accuracy: f64,
    /// The two new flowers, (2, 0.5) and (3, 1).
    pub new_flowers: DMatrix<f64>,
    /// The predictions for them: `[true, false]`.
    pub predictions: Vec<bool>,
}

impl IrisExample {
    /// What `cargo run -p perceptron` prints about the example.
    pub fn summary(&self) -> String {
        let mut text =
            String::from("Is it an Iris setosa? Petal length and width of the 150 iris flowers.\n");
        text +=
            &crate::describe(&self.classifier, &self.report, self.training_accuracy, |j| format!("unit {j}"));
        for (flower, prediction) in self.new_flowers.row_iter().zip(&self.predictions) {
            text += &format!("flower ({}, {}) cm: Iris setosa = {prediction}\n", flower[0], flower[1]);
        }
        text
    }
}

// ANCHOR: iris_example
/// The example as the chapter runs it: `Perceptron(random_state=42)`.
pub fn iris_example() -> Result<IrisExample> {
    iris_example_with(Options { random_state: 42, ..Options::default() })
}

/// The example with other hyperparameters.
pub fn iris_example_with(options: Options) -> Result<IrisExample> {
    let iris = datasets::iris::load_iris()?;
    let x = iris.x.columns(2, 2).into_owned(); // petal length, petal width
    let y: Vec<bool> = iris.y.iter().map(|&species| species == 0).collect(); // Iris setosa

    let mut classifier = Perceptron::new(options);
    let report = classifier.fit(&x, &y)?;

    let new_flowers = dmatrix![2.0, 0.5;
                               3.0, 1.0];
    let predictions = classifier.predict(&new_flowers)?; // [true, false]
    // ANCHOR_END: iris_example
    let training_accuracy = classifier.score(&x, &y)?;
    Ok(IrisExample { classifier, x, y, report, training_accuracy, new_flowers, predictions })
}
