//! The chapter's exercises, in a form you can run.
//!
//! Some exercises at the end of the chapter ask you to *decide* something
//! (how many output neurons, which activation, which loss). This crate turns
//! those decisions into functions, so a test suite can tell you whether the
//! decision is sound and, when it is not, explain why.
//!
//! # How the crate is laid out
//!
//! Every exercise `NN` exists three times:
//!
//! * `src/learner/exNN.rs`: **your copy**. Each function has its full
//!   signature and documentation, but its body is `todo!("exercise NN: …")`
//!   with a hint. You replace those bodies.
//! * `src/solutions/exNN.rs`: the reference solution, with the same
//!   signatures. Read it after your own attempt passes (or after you are
//!   truly stuck).
//! * `tests/exNN.rs`: the checks. Every test name starts with `exNN_`, so
//!   `cargo test -p exercises --features learner exNN` runs the checks of one
//!   exercise only.
//!
//! The cargo feature `learner` chooses which copy the public modules
//! (`exercises::ex07`, …) come from:
//!
//! * without it (the default), they come from `src/solutions/`, so
//!   `cargo test --workspace` checks the reference solutions and stays green;
//! * with `--features learner`, they come from `src/learner/`, so the very same
//!   checks now run against your code. Until you fill in a function, its
//!   checks fail with the hint from its `todo!`.
//!
//! Both copies must keep exactly the same public API; the checks would not
//! compile against one of them otherwise.
//!
//! Types that are part of a question rather than of its answer (the
//! activation functions, the losses, the description of a task) live in
//! [`vocab`] and are shared by both copies: you pick from them, you do not
//! write them.
//!
//! Exercises 4 to 6 are about the multilayer perceptron itself, so they work
//! with stage 3's types instead: `mlp::Activation`, which also knows each
//! activation's derivative (re-exported as `ex04::Activation`, a different
//! type from [`vocab::Activation`]), and `mlp::Mlp`, which the checks use as
//! the reference network. Exercise 8 uses them too, and its checks use the
//! reverse-mode autodiff tape of stage 4 (`autodiff::Tape`) as their
//! reference.
//!
//! # Exercises available
//!
//! * exercise 2, [`ex02`]: a network of McCulloch–Pitts units that computes
//!   `A ⊕ B`, and a function that adds an XOR to any network of such units,
//!   which the checks chain into parity functions of up to six inputs.
//! * exercise 3, [`ex03`]: why logistic regression is usually preferred to a
//!   perceptron (answered in the solution's documentation), and a threshold
//!   logic unit turned into logistic regression: a sigmoid instead of the
//!   step, and gradient descent on the log loss instead of the perceptron
//!   rule.
//! * exercise 4, [`ex04`]: why the sigmoid made it possible to train the
//!   first MLPs (answered in the solution's documentation), made runnable:
//!   the derivatives of the step and of the sigmoid, and one neuron trained
//!   by gradient descent, whose weights never move with the step and whose
//!   loss goes down with the sigmoid.
//! * exercise 5, [`ex05`]: three popular activation functions (ReLU, tanh,
//!   sigmoid) and their derivatives, checked against the `mlp` crate and
//!   finite differences, and sampled as named curves for a figure.
//! * exercise 6, [`ex06`]: the shapes of `X`, `W_h`, `b_h`, `W_o`, `b_o` and
//!   `Y` in an MLP with 10 inputs, 50 hidden and 3 output ReLU neurons (and
//!   any other sizes), and its equation
//!   `Y = ReLU(ReLU(X W_h + b_h) W_o + b_o)`, checked against `mlp::Mlp`.
//! * exercise 7, [`ex07`]: the output layer (neurons, activation, loss) for
//!   spam/ham classification, for MNIST and for house prices, and more
//!   generally for any regression or classification task.
//! * exercise 8, [`ex08`]: what backpropagation is, how it works and how it
//!   differs from reverse-mode autodiff (answered in the solution's
//!   documentation), and backpropagation written by hand for a network with
//!   one hidden layer and a sigmoid output: forward pass, backward pass and
//!   gradient-descent step, checked against the gradients that stage 4's
//!   `autodiff::Tape` derives automatically for the same network.
//! * exercise 9, [`ex09`]: the hyperparameters of a basic MLP and, for each,
//!   how to change it when the model overfits, checked by training the
//!   changed models on a small dataset made to overfit.
//! * exercise 10, [`ex10`]: a deep MLP on MNIST above 98% test accuracy,
//!   with the learning-rate finder, a checkpoint, early stopping,
//!   TensorBoard logs and then a random search (stage 6).

pub mod vocab;

pub use vocab::{Activation, Apply, Loss};

// The module switch. Both files declare the same exercise modules (`pub mod
// ex07;` …); only one of them is compiled, and its modules are re-exported at
// the crate root, so a check always imports `exercises::ex07::…`.
#[cfg(feature = "learner")]
#[path = "learner/mod.rs"]
mod chosen;

#[cfg(not(feature = "learner"))]
#[path = "solutions/mod.rs"]
mod chosen;

pub use chosen::*;
