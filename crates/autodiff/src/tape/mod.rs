//! The tape: a Wengert list of matrix operations, recorded as they run,
//! differentiated in reverse.
//!
//! Every operation appends a node holding its result and the indices of its
//! inputs. [`Tape::backward`] walks the list from the end: it seeds the
//! scalar result with gradient 1, and each node, in reverse order, applies
//! its backward rule to add its share to its inputs' gradients. One
//! backward pass yields the gradient of the result with respect to every
//! node that asked for one.
//!
//! Each family of operations has its own file (`matmul.rs`, `broadcast.rs`,
//! `elementwise.rs`, `reduce.rs`, `reshape.rs`, `activation.rs`,
//! `loss.rs`), where each operation's constructor checks the shapes and
//! records the node, then come its forward rule and its backward rule.
//! This file holds the tape itself: its nodes, the dispatch from a node to
//! its rules, and the backward walk.
//!
//! Parameters are nodes that survive [`Tape::reset`]; everything recorded
//! after them is cleared by `reset`, but its buffers are kept and reused by
//! the next step's identical operations, so a training loop allocates
//! nothing once the first step has run.
//!
//! ```
//! use autodiff::Tape;
//! use nalgebra::dmatrix;
//! let mut tape = Tape::<f64>::new();
//! let w = tape.parameter(dmatrix![2.0; 3.0])?;      // 2×1
//! let x = tape.constant(&dmatrix![1.0, 4.0]);       // 1×2
//! let y = tape.matmul(x, w)?;                        // 1×1: 1·2 + 4·3 = 14
//! let loss = tape.mul(y, y)?;                        // 196
//! tape.backward(loss)?;
//! assert_eq!(tape.value(loss)[(0, 0)], 196.0);
//! assert_eq!(tape.grad(w), &dmatrix![28.0; 112.0]);  // 2y·x
//! # Ok::<(), autodiff::TapeError>(())
//! ```

use std::fmt;

use mlp::{Activation, Loss};
use nalgebra::{DMatrix, RealField};

mod activation;
mod broadcast;
mod elementwise;
mod loss;
mod matmul;
mod reduce;
mod reshape;

/// Which rule of an operation to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    Forward,
    Backward,
}

/// A handle to a node of one tape: its position, the tape it belongs to
/// and the step (the number of [`Tape::reset`]s before it) that recorded
/// it. A handle from another tape, or from a step that `reset` cleared, is
/// rejected with [`TapeError::UnknownVar`] instead of reading a buffer that
/// now holds something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Var {
    index: usize,
    tape: u64,
    step: u64,
}

impl Var {
    /// The node's position on the tape.
    pub fn index(self) -> usize {
        self.index
    }
}

/// A fresh identity for a new tape.
fn next_tape_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Which values a sum or a mean adds up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Every entry: a 1×1 result.
    All,
    /// Each row's entries: one value per row (n×1).
    Rows,
    /// Each column's entries: one value per column (1×m).
    Columns,
}

/// What can go wrong while recording or differentiating.
#[derive(Debug, thiserror::Error)]
pub enum TapeError {
    /// Operands whose shapes do not fit.
    #[error("{op}: {detail}")]
    Shape {
        /// The operation.
        op: &'static str,
        /// The shapes involved.
        detail: String,
    },
    /// `backward` from a node that is not a scalar.
    #[error("backward needs a 1×1 result, got {0}×{1}")]
    NotScalar(usize, usize),
    /// A parameter created after operations were recorded.
    #[error("parameters must be created before any operation is recorded (call reset first)")]
    ParameterAfterOps,
    /// A variable of another tape, or of a step that `reset` cleared.
    #[error("variable %{0} is not on this tape: {1}")]
    UnknownVar(usize, &'static str),
    /// An operation on a node that does not allow it.
    #[error("{op}: variable %{index} is not a parameter")]
    NotParameter {
        /// The operation.
        op: &'static str,
        /// The node's position.
        index: usize,
    },
    /// A loss rejected its targets.
    #[error(transparent)]
    Loss(#[from] mlp::MlpError),
}

/// Shorthand for results of tape operations.
pub type Result<T> = std::result::Result<T, TapeError>;

/// An operation and its inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op<T> {
    /// A parameter: persistent, gets a gradient.
    Parameter,
    /// Data: no gradient.
    Constant,
    /// Matrix product `A·B`.
    MatMul(Var, Var),
    /// `X + b`, the 1×m row `b` added to every row of `X`.
    AddBias(Var, Var),
    /// `X ⊙ s`, every row of `X` multiplied entry by entry by the 1×m row `s`.
    ScaleColumns(Var, Var),
    /// `A + B`.
    Add(Var, Var),
    /// `A − B`.
    Sub(Var, Var),
    /// Elementwise `A ⊙ B`.
    Mul(Var, Var),
    /// `s·A`.
    Scale(Var, T),
    /// Sum along an axis.
    Sum(Var, Axis),
    /// Mean along an axis.
    Mean(Var, Axis),
    /// `Aᵀ`.
    Transpose(Var),
    /// Columns `start .. start + width` of `A`.
    SliceColumns(Var, usize),
    /// `[A B]`, side by side.
    Concat(Var, Var),
    /// An activation function of the `mlp` crate, entry by entry (row by row for softmax).
    Activation(Var, Activation),
    /// A loss of the `mlp` crate on the output activation of logits `Z`
    /// (fused: softmax + cross-entropy goes through log-sum-exp).
    Loss(Var, Activation, Loss),
    /// `c · Σ a²`: an ℓ2 penalty.
    L2(Var, T),
}

impl<T> Op<T> {
    fn name(&self) -> &'static str {
        match self {
            Op::Parameter => "parameter",
            Op::Constant => "constant",
            Op::MatMul(..) => "matmul",
            Op::AddBias(..) => "add_bias",
            Op::ScaleColumns(..) => "scale_columns",
            Op::Add(..) => "add",
            Op::Sub(..) => "sub",
            Op::Mul(..) => "mul",
            Op::Scale(..) => "scale",
            Op::Sum(..) => "sum",
            Op::Mean(..) => "mean",
            Op::Transpose(..) => "transpose",
            Op::SliceColumns(..) => "slice_columns",
            Op::Concat(..) => "concat",
            Op::Activation(..) => "activation",
            Op::Loss(..) => "loss",
            Op::L2(..) => "l2",
        }
    }

    /// The nodes this one reads, without allocating.
    fn input_pair(&self) -> [Option<Var>; 2] {
        match *self {
            Op::Parameter | Op::Constant => [None, None],
            Op::MatMul(a, b)
            | Op::AddBias(a, b)
            | Op::ScaleColumns(a, b)
            | Op::Add(a, b)
            | Op::Sub(a, b)
            | Op::Mul(a, b)
            | Op::Concat(a, b) => [Some(a), Some(b)],
            Op::Scale(a, _)
            | Op::Sum(a, _)
            | Op::Mean(a, _)
            | Op::Transpose(a)
            | Op::SliceColumns(a, _)
            | Op::Activation(a, _)
            | Op::Loss(a, ..)
            | Op::L2(a, _) => [Some(a), None],
        }
    }

    /// The nodes this one reads.
    pub fn inputs(&self) -> Vec<Var> {
        self.input_pair().into_iter().flatten().collect()
    }
}

#[derive(Clone, Debug)]
struct Node<T: RealField + Copy> {
    op: Op<T>,
    name: String,
    value: DMatrix<T>,
    grad: DMatrix<T>,
    /// Scratch: the output activation of a loss; ∂L/∂a of an activation.
    aux: DMatrix<T>,
    /// Scratch: a loss's gradient with respect to its logits.
    aux2: DMatrix<T>,
    /// A loss's dense targets.
    targets: DMatrix<T>,
    /// A loss's sparse targets (class indices).
    labels: Vec<usize>,
    sparse: bool,
    /// A loss's instance weights (empty: unweighted).
    weights: Vec<T>,
    needs_grad: bool,
    /// Whether `grad` has been written in the current backward pass.
    grad_ready: bool,
}

impl<T: RealField + Copy> Node<T> {
    fn empty() -> Self {
        Node {
            op: Op::Constant,
            name: String::new(),
            value: DMatrix::zeros(0, 0),
            grad: DMatrix::zeros(0, 0),
            aux: DMatrix::zeros(0, 0),
            aux2: DMatrix::zeros(0, 0),
            targets: DMatrix::zeros(0, 0),
            labels: Vec::new(),
            sparse: false,
            weights: Vec::new(),
            needs_grad: false,
            grad_ready: false,
        }
    }

    /// Prepares `grad` for a contribution and says whether it is the first
    /// of this backward pass (then `grad` is overwritten, so it never needs
    /// zero-filling) or a later one (then it is added to).
    fn begin_grad(&mut self) -> bool {
        if self.grad.shape() != self.value.shape() {
            self.grad = DMatrix::zeros(self.value.nrows(), self.value.ncols());
            self.grad_ready = false;
        }
        let fresh = !self.grad_ready;
        self.grad_ready = true;
        fresh
    }

    /// Adds `s · src` to the gradient: a plain loop over slices, which
    /// the compiler vectorizes.
    fn add_scaled(&mut self, src: &[T], s: T) {
        let fresh = self.begin_grad();
        let grad = self.grad.as_mut_slice();
        if fresh {
            grad.iter_mut().zip(src).for_each(|(g, &v)| *g = s * v);
        } else {
            grad.iter_mut().zip(src).for_each(|(g, &v)| *g += s * v);
        }
    }

    /// Adds `f(k)` to entry `k` of the gradient (storage order).
    fn add_grad(&mut self, f: impl Fn(usize) -> T) {
        let fresh = self.begin_grad();
        accumulate(&mut self.grad, fresh, f);
    }
}

/// `grad[k] = f(k)` if `fresh`, else `grad[k] += f(k)`.
fn accumulate<T: RealField + Copy>(grad: &mut DMatrix<T>, fresh: bool, f: impl Fn(usize) -> T) {
    for (k, g) in grad.as_mut_slice().iter_mut().enumerate() {
        *g = if fresh { f(k) } else { *g + f(k) };
    }
}

/// The GEMM `beta` for a contribution: overwrite or accumulate.
fn beta<T: RealField + Copy>(fresh: bool) -> T {
    if fresh { T::zero() } else { T::one() }
}

/// Node `target` mutably and node `other` (a different one) immutably.
fn two<T: RealField + Copy>(nodes: &mut [Node<T>], target: usize, other: usize) -> (&mut Node<T>, &Node<T>) {
    if target < other {
        let (left, right) = nodes.split_at_mut(other);
        (&mut left[target], &right[0])
    } else {
        let (left, right) = nodes.split_at_mut(target);
        (&mut right[0], &left[other])
    }
}

/// Resizes `m` to `rows × cols` if it has another shape (the only
/// allocation a recorded operation can cause).
fn fit<T: RealField + Copy>(m: &mut DMatrix<T>, rows: usize, cols: usize) {
    if m.shape() != (rows, cols) {
        *m = DMatrix::zeros(rows, cols);
    }
}

/// A tape of matrix operations over `f32` or `f64`.
#[derive(Debug)]
pub struct Tape<T: RealField + Copy> {
    nodes: Vec<Node<T>>,
    len: usize,
    params: usize,
    /// This tape's identity, carried by its handles.
    id: u64,
    /// How many times [`Tape::reset`] ran: the step a handle belongs to.
    step: u64,
}

impl<T: RealField + Copy> Default for Tape<T> {
    fn default() -> Self {
        Tape::new()
    }
}

impl<T: RealField + Copy> Clone for Tape<T> {
    /// A copy with an identity of its own: handles of the original are
    /// not valid on it.
    fn clone(&self) -> Self {
        Tape { nodes: self.nodes.clone(), len: self.len, params: self.params, id: next_tape_id(), step: 0 }
    }
}

impl<T: RealField + Copy> Tape<T> {
    /// An empty tape.
    pub fn new() -> Self {
        Tape { nodes: Vec::new(), len: 0, params: 0, id: next_tape_id(), step: 0 }
    }

    /// Clears every node but the parameters, keeping all buffers for reuse.
    /// Handles to the cleared nodes become invalid.
    pub fn reset(&mut self) {
        self.len = self.params;
        self.step += 1;
    }

    /// Number of nodes recorded (parameters included).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing, not even a parameter, is on the tape.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A new tape with copies of this tape's parameters and nothing else,
    /// for recording the same computation on another thread. The handles
    /// of the parameters are [`Tape::parameters`] of the new tape.
    pub fn fork(&self) -> Tape<T> {
        Tape {
            nodes: self.nodes[..self.params].to_vec(),
            len: self.params,
            params: self.params,
            id: next_tape_id(),
            step: 0,
        }
    }

    fn handle(&self, index: usize) -> Var {
        Var { index, tape: self.id, step: self.step }
    }

    /// The parameters, in creation order.
    pub fn parameters(&self) -> Vec<Var> {
        (0..self.params).map(|i| self.handle(i)).collect()
    }

    fn check(&self, v: Var) -> Result<()> {
        if v.tape != self.id {
            Err(TapeError::UnknownVar(v.index, "it belongs to another tape"))
        } else if v.index >= self.len || (v.index >= self.params && v.step != self.step) {
            Err(TapeError::UnknownVar(v.index, "the step that recorded it was cleared by reset"))
        } else {
            Ok(())
        }
    }

    /// The value of a node, or an error for a handle that is not valid here.
    pub fn try_value(&self, v: Var) -> Result<&DMatrix<T>> {
        self.check(v)?;
        Ok(&self.nodes[v.index].value)
    }

    /// The gradient of the last [`Tape::backward`]'s result with respect
    /// to `v`, or an error for a handle that is not valid here.
    pub fn try_grad(&self, v: Var) -> Result<&DMatrix<T>> {
        self.check(v)?;
        Ok(&self.nodes[v.index].grad)
    }

    /// The operation that computed a node (to see, for instance, whether
    /// a model's output is a softmax that a loss can fuse).
    pub fn op(&self, v: Var) -> Result<Op<T>> {
        self.check(v)?;
        Ok(self.nodes[v.index].op)
    }

    /// The value of a node.
    ///
    /// # Panics
    /// If `v` is not valid on this tape (see [`Tape::try_value`]).
    pub fn value(&self, v: Var) -> &DMatrix<T> {
        match self.try_value(v) {
            Ok(value) => value,
            Err(e) => panic!("Tape::value: {e}"),
        }
    }

    /// A parameter's value, to change it (an optimizer step, `set_weights`).
    ///
    /// # Panics
    /// If `v` is not a parameter of this tape.
    pub fn value_mut(&mut self, v: Var) -> &mut DMatrix<T> {
        match self.parameter_mut(v) {
            Ok((value, _)) => value,
            Err(e) => panic!("Tape::value_mut: {e}"),
        }
    }

    /// A parameter's value, to change it, and its gradient.
    pub fn parameter_mut(&mut self, v: Var) -> Result<(&mut DMatrix<T>, &DMatrix<T>)> {
        self.check(v)?;
        let node = &mut self.nodes[v.index];
        if node.op != Op::Parameter {
            return Err(TapeError::NotParameter { op: "parameter_mut", index: v.index });
        }
        Ok((&mut node.value, &node.grad))
    }

    /// The gradient of the last [`Tape::backward`]'s result with respect to
    /// `v` (zeros if `v` does not influence it).
    ///
    /// # Panics
    /// If `v` is not valid on this tape (see [`Tape::try_grad`]).
    pub fn grad(&self, v: Var) -> &DMatrix<T> {
        match self.try_grad(v) {
            Ok(grad) => grad,
            Err(e) => panic!("Tape::grad: {e}"),
        }
    }

    /// Each parameter's values and gradient, for an optimizer.
    pub fn parameter_pairs(&mut self) -> impl Iterator<Item = (&mut [T], &[T])> {
        self.nodes[..self.params].iter_mut().map(|n| (n.value.as_mut_slice(), n.grad.as_slice()))
    }

    /// A leaf that gets a gradient, for one step: a weight that lives
    /// outside the tape. Its value is *swapped* in from `value` (no copy,
    /// no allocation), and `value` receives the node's old buffer; give
    /// the weight back with [`Tape::swap_value`] once the step is done.
    /// Unlike a [`Tape::parameter`], it is cleared by [`Tape::reset`].
    pub fn variable(&mut self, value: &mut DMatrix<T>) -> Var {
        let (v, _, node) = self.push(Op::Parameter, 0, 0);
        std::mem::swap(&mut node.value, value);
        if node.grad.shape() != node.value.shape() {
            node.grad = DMatrix::zeros(node.value.nrows(), node.value.ncols());
        }
        v
    }

    /// Swaps a parameter's value with `value` (see [`Tape::variable`]).
    pub fn swap_value(&mut self, v: Var, value: &mut DMatrix<T>) -> Result<()> {
        let (current, _) = self.parameter_mut(v)?;
        std::mem::swap(current, value);
        Ok(())
    }

    /// Names a node, for [`Tape`]'s `Display` and [`Tape::to_dot`].
    pub fn set_name(&mut self, v: Var, name: impl Into<String>) {
        if let Some(n) = self.nodes.get_mut(v.index) {
            n.name = name.into();
        }
    }

    /// Appends a node (reusing the buffers of the node that was at this
    /// position before the last reset) and returns it with the earlier nodes.
    fn push(&mut self, op: Op<T>, rows: usize, cols: usize) -> (Var, &mut [Node<T>], &mut Node<T>) {
        if self.len == self.nodes.len() {
            self.nodes.push(Node::empty());
        }
        let needs_grad = op.input_pair().into_iter().flatten().any(|v| self.nodes[v.index].needs_grad);
        let (before, rest) = self.nodes.split_at_mut(self.len);
        let node = &mut rest[0];
        node.op = op;
        node.name.clear();
        node.needs_grad = needs_grad || op == Op::Parameter;
        node.grad_ready = false;
        fit(&mut node.value, rows, cols);
        let v = Var { index: self.len, tape: self.id, step: self.step };
        self.len += 1;
        (v, before, node)
    }

    /// A parameter with this initial value. Parameters persist across
    /// [`Tape::reset`] and must be created before any operation.
    pub fn parameter(&mut self, value: DMatrix<T>) -> Result<Var> {
        if self.len != self.params {
            return Err(TapeError::ParameterAfterOps);
        }
        let (v, _, node) = self.push(Op::Parameter, 0, 0);
        node.value = value;
        node.grad = DMatrix::zeros(node.value.nrows(), node.value.ncols());
        self.params += 1;
        Ok(v)
    }

    /// Data that needs no gradient (copied into the tape's own buffer).
    pub fn constant(&mut self, value: &DMatrix<T>) -> Var {
        let (v, _, node) = self.push(Op::Constant, value.nrows(), value.ncols());
        node.value.copy_from(value);
        v
    }

    fn shape_error(op: &'static str, detail: String) -> TapeError {
        TapeError::Shape { op, detail }
    }

    fn shapes(&self, a: Var, b: Var) -> Result<((usize, usize), (usize, usize))> {
        self.check(a)?;
        self.check(b)?;
        Ok((self.nodes[a.index].value.shape(), self.nodes[b.index].value.shape()))
    }

    /// Records `op` and computes its value.
    fn record(&mut self, op: Op<T>, rows: usize, cols: usize) -> Var {
        let (v, _, _) = self.push(op, rows, cols);
        // Only a loss can fail, and losses are recorded by `Tape::loss`.
        let _ = self.run(v.index, Pass::Forward);
        v
    }

    /// Runs node `i`'s rule in one direction: the rule of its operation,
    /// which sits in the file of its family of operations, next to the
    /// operation's constructor:
    ///
    /// - forward: compute the node's value from its inputs' values;
    /// - backward: given the node's gradient `dy`, add its share to each
    ///   input's gradient (the chain rule, one operation at a time).
    fn run(&mut self, i: usize, pass: Pass) -> Result<()> {
        let (before, rest) = self.nodes.split_at_mut(i);
        let node = &mut rest[0];
        match (node.op, pass) {
            (Op::Parameter | Op::Constant, _) => {}
            (Op::MatMul(a, b), Pass::Forward) => matmul::forward(before, node, a, b),
            (Op::MatMul(a, b), Pass::Backward) => matmul::backward(before, node, a, b),
            (Op::AddBias(x, b), Pass::Forward) => broadcast::add_bias_forward(before, node, x, b),
            (Op::AddBias(x, b), Pass::Backward) => broadcast::add_bias_backward(before, node, x, b),
            (Op::ScaleColumns(x, s), Pass::Forward) => broadcast::scale_columns_forward(before, node, x, s),
            (Op::ScaleColumns(x, s), Pass::Backward) => broadcast::scale_columns_backward(before, node, x, s),
            (Op::Add(a, b), Pass::Forward) => elementwise::add_forward(before, node, a, b),
            (Op::Sub(a, b), Pass::Forward) => elementwise::sub_forward(before, node, a, b),
            (Op::Add(a, b) | Op::Sub(a, b), Pass::Backward) => {
                elementwise::add_sub_backward(before, node, a, b)
            }
            (Op::Mul(a, b), Pass::Forward) => elementwise::mul_forward(before, node, a, b),
            (Op::Mul(a, b), Pass::Backward) => elementwise::mul_backward(before, node, a, b),
            (Op::Scale(a, s), Pass::Forward) => elementwise::scale_forward(before, node, a, s),
            (Op::Scale(a, s), Pass::Backward) => elementwise::scale_backward(before, node, a, s),
            (Op::Sum(a, axis) | Op::Mean(a, axis), Pass::Forward) => reduce::forward(before, node, a, axis),
            (Op::Sum(a, axis) | Op::Mean(a, axis), Pass::Backward) => reduce::backward(before, node, a, axis),
            (Op::Transpose(a), Pass::Forward) => reshape::transpose_forward(before, node, a),
            (Op::Transpose(a), Pass::Backward) => reshape::transpose_backward(before, node, a),
            (Op::SliceColumns(a, start), Pass::Forward) => {
                reshape::slice_columns_forward(before, node, a, start)
            }
            (Op::SliceColumns(a, start), Pass::Backward) => {
                reshape::slice_columns_backward(before, node, a, start)
            }
            (Op::Concat(a, b), Pass::Forward) => reshape::concat_forward(before, node, a, b),
            (Op::Concat(a, b), Pass::Backward) => reshape::concat_backward(before, node, a, b),
            (Op::Activation(a, act), Pass::Forward) => activation::forward(before, node, a, act),
            (Op::Activation(a, act), Pass::Backward) => activation::backward(before, node, a, act),
            (Op::Loss(z, act, kind), Pass::Forward) => loss::loss_forward(before, node, z, act, kind)?,
            (Op::Loss(z, act, kind), Pass::Backward) => loss::loss_backward(before, node, z, act, kind),
            (Op::L2(a, c), Pass::Forward) => loss::l2_forward(before, node, a, c),
            (Op::L2(a, c), Pass::Backward) => loss::l2_backward(before, node, a, c),
        }
        Ok(())
    }

    /// Differentiates the 1×1 node `root` with respect to every node that
    /// needs a gradient; read them with [`Tape::grad`].
    pub fn backward(&mut self, root: Var) -> Result<()> {
        self.check(root)?;
        let (r, c) = self.nodes[root.index].value.shape();
        if (r, c) != (1, 1) {
            return Err(TapeError::NotScalar(r, c));
        }
        for node in &mut self.nodes[..self.len] {
            node.grad_ready = false;
        }
        // ANCHOR: backward_walk
        self.nodes[root.index].add_grad(|_| T::one());
        for i in (0..=root.index).rev() {
            if self.nodes[i].needs_grad && self.nodes[i].grad_ready {
                // The targets of a loss were checked when it was recorded.
                let _ = self.run(i, Pass::Backward);
            }
        }
        // ANCHOR_END: backward_walk
        // Parameters off the path get zero gradients, not stale ones.
        for node in &mut self.nodes[..self.params] {
            if !node.grad_ready {
                node.grad.as_mut_slice().fill(T::zero());
            }
        }
        Ok(())
    }

    /// A Graphviz description of the recorded operations.
    pub fn to_dot(&self) -> String {
        let mut out =
            String::from("digraph tape {\n  rankdir=LR;\n  node [shape=box, fontname=\"DejaVu Sans\"];\n");
        for (i, n) in self.nodes[..self.len].iter().enumerate() {
            let shape = n.value.shape();
            let label =
                if n.name.is_empty() { describe(&n.op) } else { format!("{}\\n{}", n.name, describe(&n.op)) };
            let style = match n.op {
                Op::Parameter => ", style=filled, fillcolor=\"#fde9a9\"",
                Op::Constant => ", style=filled, fillcolor=\"#e4e4e4\"",
                _ => "",
            };
            out += &format!("  n{i} [label=\"{label}\\n{}×{}\"{style}];\n", shape.0, shape.1);
            for input in n.op.inputs() {
                out += &format!("  n{} -> n{i};\n", input.index);
            }
        }
        out + "}\n"
    }
}

fn describe<T>(op: &Op<T>) -> String {
    match op {
        Op::Activation(_, act) => act.name().to_string(),
        Op::Loss(_, act, loss) => format!("{} loss ({} output)", loss.name(), act.name()),
        Op::Sum(_, axis) => format!("sum {axis:?}"),
        Op::Mean(_, axis) => format!("mean {axis:?}"),
        other => other.name().to_string(),
    }
}

impl<T: RealField + Copy> fmt::Display for Tape<T> {
    /// One line per node: index, name, operation, inputs and shape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.nodes[..self.len].iter().enumerate() {
            let inputs: Vec<String> = n.op.inputs().iter().map(|v| format!("%{}", v.index)).collect();
            let (r, c) = n.value.shape();
            let name = if n.name.is_empty() { String::new() } else { format!(" {}", n.name) };
            writeln!(f, "%{i}{name} = {}({}) : {r}×{c}", describe(&n.op), inputs.join(", "))?;
        }
        Ok(())
    }
}
