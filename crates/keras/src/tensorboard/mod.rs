//! TensorBoard: event files that TensorBoard itself reads.
