//! Weights as a safetensors file: a little-endian `u64` header length, a
//! JSON header (each tensor's dtype, shape and byte range), the raw
//! values. Read by candle, burn and PyTorch (`safetensors.torch.load_file`).

use std::collections::HashMap;

use safetensors::tensor::{Dtype, TensorView};

use crate::error::{KerasError, Result};
use crate::model::Model;

/// How Dense kernels are laid out in the exported file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KernelLayout {
    /// `[inputs, units]`, as Keras stores them (`x @ W`).
    #[default]
    Keras,
    /// `[units, inputs]`, as PyTorch's and candle's `Linear` store their
    /// `weight` (`x @ Wᵀ`).
    OutIn,
}

/// The file's bytes.
pub(crate) fn serialize(model: &Model, layout: KernelLayout) -> Result<Vec<u8>> {
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for w in model.weights() {
        let (r, c) = w.value.shape();
        let is_kernel = w.name() == "kernel";
        let (shape, values): (Vec<usize>, Vec<f32>) = if is_kernel && layout == KernelLayout::OutIn {
            // Column-major r × c is row-major c × r: the transpose as is.
            (vec![c, r], w.value.as_slice().to_vec())
        } else if is_kernel {
            (vec![r, c], w.value.transpose().as_slice().to_vec())
        } else if r == 1 && w.name() == "count" && c == 1 {
            (Vec::new(), w.value.as_slice().to_vec())
        } else if r == 1 {
            (vec![c], w.value.as_slice().to_vec())
        } else {
            (vec![r, c], w.value.transpose().as_slice().to_vec())
        };
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        tensors.push((w.path.clone(), shape, bytes));
    }
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F32, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| KerasError::Argument(format!("safetensors: tensor {name}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let layout_name = match layout {
        KernelLayout::Keras => "in_out",
        KernelLayout::OutIn => "out_in",
    };
    let info = HashMap::from([
        ("format".to_string(), "keras".to_string()),
        ("kernel_layout".to_string(), layout_name.to_string()),
        ("model".to_string(), model.name().to_string()),
    ]);
    safetensors::tensor::serialize(views, Some(info))
        .map_err(|e| KerasError::Argument(format!("safetensors: {e}")))
}
