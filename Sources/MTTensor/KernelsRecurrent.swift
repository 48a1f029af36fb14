// Generic bodies of the recurrent-cell requirements of `Real` (see Real.swift): the
// fused pointwise part of one LSTM or GRU step over a batch, forward and backward.
// The matrix products around them are GEMMs in the layers.

extension Real {
    @inlinable public static func lstmForward(
        gates: UnsafeMutablePointer<Self>, cPrev: UnsafePointer<Self>, hPrev: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, tanhC: UnsafeMutablePointer<Self>, h: UnsafeMutablePointer<Self>,
        y: UnsafeMutablePointer<Self>, ldy: Int,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let gi = gates + r * 4 * n, gf = gi + n, gg = gf + n, go = gg + n
            let cp = cPrev + r * n, hp = hPrev + r * n
            let cr = c + r * n, tr = tanhC + r * n, hr = h + r * n, yr = y + r * ldy
            guard step < Int(lengths[r]) else {
                copy(cp, cr, n)
                copy(hp, hr, n)
                fill(yr, 0, n)
                continue
            }
            // Two passes keep few pointers per loop, so the vectoriser's alias checks stay cheap.
            for j in 0..<n {
                let i = sigmoid(gi[j]), f = sigmoid(gf[j]), g = tanh(gg[j])
                gi[j] = i
                gf[j] = f
                gg[j] = g
                cr[j] = f * cp[j] + i * g
            }
            for j in 0..<n {
                let o = sigmoid(go[j])
                let tc = tanh(cr[j])
                go[j] = o
                tr[j] = tc
                hr[j] = o * tc
            }
            copy(hr, yr, n)
        }
    }

    @inlinable public static func lstmBackward(
        gates: UnsafePointer<Self>, tanhC: UnsafePointer<Self>, cPrev: UnsafePointer<Self>,
        dy: UnsafePointer<Self>?, ldy: Int,
        dh: UnsafeMutablePointer<Self>, dc: UnsafeMutablePointer<Self>, dGates: UnsafeMutablePointer<Self>,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let dgi = dGates + r * 4 * n
            guard step < Int(lengths[r]) else {
                fill(dgi, 0, 4 * n)
                continue
            }
            let dgf = dgi + n, dgg = dgf + n, dgo = dgg + n
            let gi = gates + r * 4 * n, gf = gi + n, gg = gf + n, go = gg + n
            let tr = tanhC + r * n, cp = cPrev + r * n
            let dhr = dh + r * n, dcr = dc + r * n
            if let dy {
                let dyr = dy + r * ldy
                for j in 0..<n { dhr[j] += dyr[j] }
            }
            // Pass 1: the gradient reaching c, and the output gate.
            for j in 0..<n {
                let o = go[j], tc = tr[j], d = dhr[j]
                dgo[j] = d * tc * o * (1 - o)
                dcr[j] += d * o * (1 - tc * tc)
                dhr[j] = 0
            }
            // Pass 2: input, forget and cell gates; dc becomes the gradient of cPrev.
            for j in 0..<n {
                let i = gi[j], f = gf[j], g = gg[j], d = dcr[j]
                dgi[j] = d * g * i * (1 - i)
                dgf[j] = d * cp[j] * f * (1 - f)
                dgg[j] = d * i * (1 - g * g)
                dcr[j] = d * f
            }
        }
    }

    @inlinable public static func gruForward(
        gates: UnsafeMutablePointer<Self>, recurrent: UnsafePointer<Self>, hn: UnsafeMutablePointer<Self>,
        hPrev: UnsafePointer<Self>, h: UnsafeMutablePointer<Self>, y: UnsafeMutablePointer<Self>, ldy: Int,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let xr = gates + r * 3 * n, xz = xr + n, xn = xz + n
            let rr = recurrent + r * 3 * n, rz = rr + n, rn = rz + n
            let hp = hPrev + r * n, hr = h + r * n, hnr = hn + r * n, yr = y + r * ldy
            guard step < Int(lengths[r]) else {
                copy(hp, hr, n)
                fill(yr, 0, n)
                continue
            }
            for j in 0..<n {
                xr[j] = sigmoid(xr[j] + rr[j])
                xz[j] = sigmoid(xz[j] + rz[j])
                hnr[j] = rn[j]
            }
            for j in 0..<n {
                let g = tanh(xn[j] + xr[j] * hnr[j])
                let z = xz[j]
                xn[j] = g
                hr[j] = g + z * (hp[j] - g)
            }
            copy(hr, yr, n)
        }
    }

    @inlinable public static func gruBackward(
        gates: UnsafePointer<Self>, hn: UnsafePointer<Self>, hPrev: UnsafePointer<Self>,
        dy: UnsafePointer<Self>?, ldy: Int, dh: UnsafeMutablePointer<Self>,
        dGates: UnsafeMutablePointer<Self>, dRecurrent: UnsafeMutablePointer<Self>,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let dxr = dGates + r * 3 * n, dxz = dxr + n, dxn = dxz + n
            let drr = dRecurrent + r * 3 * n, drz = drr + n, drn = drz + n
            guard step < Int(lengths[r]) else {
                fill(dxr, 0, 3 * n)
                fill(drr, 0, 3 * n)
                continue
            }
            let gr = gates + r * 3 * n, gz = gr + n, gn = gz + n
            let hnr = hn + r * n, hp = hPrev + r * n, dhr = dh + r * n
            if let dy {
                let dyr = dy + r * ldy
                for j in 0..<n { dhr[j] += dyr[j] }
            }
            // Pass 1: the candidate n and the update gate z; dh keeps the direct path z ⊙ dh.
            for j in 0..<n {
                let z = gz[j], g = gn[j], d = dhr[j]
                let dn = d * (1 - z) * (1 - g * g)
                dxn[j] = dn
                dxz[j] = d * (hp[j] - g) * z * (1 - z)
                dhr[j] = d * z
            }
            // Pass 2: the reset gate, through r ⊙ hn.
            for j in 0..<n {
                let rg = gr[j], dn = dxn[j]
                let dr = dn * hnr[j] * rg * (1 - rg)
                dxr[j] = dr
                drr[j] = dr
                drz[j] = dxz[j]
                drn[j] = dn * rg
            }
        }
    }
}
