package org.landscape4j.cuda;

import static org.bytedeco.cuda.global.cudart.cudaDevAttrClockRate;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrMultiProcessorCount;
import static org.bytedeco.cuda.global.cudart.cudaDeviceGetAttribute;

import java.util.Locale;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DeviceRequest;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The device check's "% of peak": the FLOPs of the CUDA plan's GEMMs and convolutions per example (2 per
 * multiply-add, as the examples' {@code Flops} and the PyTorch peer's {@code flops_per_example} count them), and GPU
 * 0's peak in a precision from its SM count, its maximum clock and the multiply-adds an SM issues per clock.
 */
final class Roofline {

    private Roofline() {
    }

    /** FLOPs per example of {@code net} on inputs shaped like {@code data}'s, as the CUDA plan computes them. */
    static long flopsPerExample(Model net, DataSet data) {
        DataSet two = data.numExamples() <= 2 ? data : (DataSet) data.getRange(0, 2);
        DeviceRequest r = Networks.request(net, two, 2, DeviceRequest.Accuracy.ARG_MAX);
        CudaPlanBuilder b = new CudaPlanBuilder(r, r.batches().get(0).get(0).features());
        long flops = 0;
        for (DeviceOp op : b.ops) {
            if (op instanceof DenseOp d) {
                flops += 2L * d.weights().nIn() * d.weights().nOut();
            } else if (op instanceof ConvOp c) {
                Device.Conv g = c.geometry();
                flops += 2L * g.outH() * g.outW() * g.outC() * g.kh() * g.kw() * g.groupC();
            }
        }
        DenseOp.Weights out = b.head().weights();
        return out == null ? flops : flops + 2L * out.nIn() * out.nOut();
    }

    /**
     * GPU 0's peak in {@code precision}, FLOP/s at the maximum clock the driver reports, or {@code NaN} for an
     * architecture this table does not know. Multiply-adds per SM and clock (dense): Hopper (9.0) 128 in float, 1024
     * in TF32; A100 (8.0) 64 and 512; Ada (8.9) 128 and 256; Ampere (8.6, 8.7) 128 and 128. NVIDIA's data sheets quote
     * Hopper's TF32 at 1.83 GHz rather than the maximum 1.98: 8% lower than here (H200: 495 against 535 TFLOPS).
     */
    static double peak(Precision precision) {
        int[] v = new int[1];
        cudaDeviceGetAttribute(v, cudaDevAttrMultiProcessorCount, 0);
        int sms = v[0];
        cudaDeviceGetAttribute(v, cudaDevAttrClockRate, 0);
        double hz = v[0] * 1e3;
        cudaDeviceGetAttribute(v, cudaDevAttrComputeCapabilityMajor, 0);
        int arch = v[0] * 10;
        cudaDeviceGetAttribute(v, cudaDevAttrComputeCapabilityMinor, 0);
        arch += v[0];
        int[] fma = switch (arch) {
            case 90 -> new int[] {128, 1024};
            case 80 -> new int[] {64, 512};
            case 89 -> new int[] {128, 256};
            case 86, 87 -> new int[] {128, 128};
            default -> null;
        };
        return fma == null ? Double.NaN : 2.0 * sms * hz * fma[precision == Precision.TF32 ? 1 : 0];
    }

    /** {@code "x GFLOP per point, y% of the float peak z TFLOPS"} for {@code pointsPerSecond} over {@code examples}. */
    static String share(double pointsPerSecond, long flopsPerExample, long examples, Precision precision) {
        double perPoint = (double) flopsPerExample * examples;
        double peak = peak(precision);
        return String.format(Locale.ROOT, "%.1f GFLOP per point, %s", perPoint / 1e9, Double.isNaN(peak)
                ? "peak unknown for this GPU" : String.format(Locale.ROOT, "%.1f%% of the %s peak %.0f TFLOPS",
                100 * pointsPerSecond * perPoint / peak, precision == Precision.TF32 ? "TF32" : "float", peak / 1e12));
    }
}
