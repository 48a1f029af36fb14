/// How the ranks' gradients are summed (`mt-train --gradient-sum`).
public enum GradientSummation: String, Sendable, CaseIterable {
    /// In the fixed order of the parts, as one process with ranks × workers workers sums
    /// them: each rank adds up one segment of every part's gradient in that order (an
    /// all-to-all, then an all-gather of the sums). Bit for bit the in-process result.
    case exact
    /// `MPI_Allreduce` (MPI_SUM) of each rank's own sum: a ring or tree in the order MPI
    /// chooses, so the gradient differs from the exact one in the last bits (a relative
    /// 2⁻²⁴ per addition, for Float) and runs drift apart slowly; every rank still gets
    /// the same gradient, so the ranks stay equal.
    case fast
}
