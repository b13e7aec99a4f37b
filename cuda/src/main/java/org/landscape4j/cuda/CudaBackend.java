package org.landscape4j.cuda;

import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DeviceBackend;
import org.landscape4j.engine.device.DevicePlan;
import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.internal.Batch;

/**
 * The GPU back end of landscape4j: a landscape's points computed on NVIDIA GPU 0 by the engine's own CUDA plan.
 *
 * <h2>How a user asks for it</h2>
 * One setting, {@code Backend}, says what computes the points, everywhere: {@code Landscape.builder()...
 * .backend(Backend.CUDA)}, {@code backend(Backend.CUDA)} in the Kotlin DSL, {@code --device cuda} on the command line
 * (the word other tools use; {@code Backend.named("cuda")}). {@code Backend.AUTO}, the default, stays the CPU. The old
 * meaning of "CUDA", ND4J's own {@code nd4j-cuda-11.6}, is {@code Backend.ND4J_CUDA}: it runs on no GPU newer than
 * sm_86 and on no machine with only CUDA 12 or 13, whereas this back end needs CUDA 13 and compute capability 7.5+.
 *
 * <h2>Where it lives</h2>
 * In this module, {@code landscape4j-cuda} → {@code landscape4j-engine}, with JavaCPP's CUDA bindings
 * ({@code org.bytedeco:cuda:13.1-9.19-1.5.13}, classifier {@code linux-x86_64}) and the JavaCPP 1.5.13 they need; the
 * engine and every other module keep JavaCPP 1.5.7. The engine finds this class through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.landscape4j.engine.device.DeviceBackend}) behind its device interface
 * ({@code engine.device}: {@link DeviceBackend}, {@code DevicePlan}, {@code DeviceWorker}), so the arrows stay one way.
 * Nothing here touches native code until a landscape asks for {@code Backend.CUDA}.
 *
 * <h2>Before any work</h2>
 * {@code Landscape.compile} refuses {@code Backend.CUDA} in one line naming the missing piece and what to install:
 * this module not on the class path (the engine's message); no NVIDIA driver (the bindings' first
 * {@code UnsatisfiedLinkError}, naming {@code libcuda.so.1}, is kept); a driver older than CUDA 13; no usable GPU; a GPU
 * below compute capability 7.5; cuBLAS or NVRTC 13 missing (cuDNN 9 once a plan convolves); a layer, loss or
 * activation the CUDA plan has no rule for (named, see {@link CudaPlanBuilder}); a worker's data not fitting the free
 * device memory. It then checks the plan on the GPU against DL4J's activations on the first examples, as the CPU plan
 * is checked.
 *
 * <h2>What runs on the GPU</h2>
 * Per worker (one CUDA stream, cuBLAS handle and kernel module each): the anchors (θ and the directions, or a curve's
 * bends), the evaluation data and every activation buffer are resident; a point forms θ + Σ cᵢdᵢ there (one kernel per
 * anchor), runs dense layers by cuBLAS SGEMM in float with TF32 off (a first dense layer or convolution whose GEMM
 * outweighs reading the products is factorized as on the CPU, {@link FirstLayer}: its products per anchor computed
 * once per worker, per point their combination; {@code Execution.factorizeFirstLayer} and {@code firstLayerMemory}
 * apply), bias and activation by one NVRTC kernel (compiled once per process), and reduces softmax cross-entropy with
 * accuracy, or the mean squared error, in one block in double; two doubles per batch come back. Points flow into the
 * engine's same {@code Flux}, orders, checkpoints and cancels; more workers mean more streams. Every buffer, handle
 * and module is freed by the worker's {@code close()} after its last point.
 *
 * <h2>Precision</h2>
 * Float with TF32 off by default (cuBLAS {@code CUBLAS_DEFAULT_MATH}, cuDNN {@code CUDNN_FMA_MATH}): the CPU plan's
 * numbers to float rounding. {@code Precision.TF32} opts in to the tensor cores: cuBLAS
 * {@code CUBLAS_TF32_TENSOR_OP_MATH} and cuDNN {@code CUDNN_TENSOR_OP_MATH}, operands read with 10 bits of mantissa,
 * float accumulation, every other step in float; compile measures the loss at the centre on the first batch in TF32
 * and in float on the same GPU and states both in the plan's description. {@code Precision.BF16} (the CPU's oneDNN
 * convolutions) is refused: cuDNN's legacy API convolves bfloat16 only as bfloat16 tensors
 * ({@code PSEUDO_BFLOAT16_CONFIG}), which this back end does not keep.
 *
 * <h2>What stays on the CPU</h2>
 * Curvature metrics (exact Hessian-vector products), custom metrics, point maps, recomputed batch-norm statistics,
 * {@code Precision.BF16} and Spark executors ({@code PointExecutor}) are refused with {@code Backend.CUDA} in one line
 * (the engine's {@code DeviceCheck}): Spark's executors compute on their own JVMs' CPU back end. Images are resident
 * NHWC (permuted once when uploaded): 2D, depthwise and grouped convolutions by cuDNN (group count) with their weights
 * reordered to KRSC once per point and a batch norm that only the convolution feeds folded in and a ReLU fused,
 * max/average and global pooling by cuDNN; two-input adds (+ ReLU), zero padding, merge vertices, DL4J's flattening,
 * a batch norm of its own, channel scales and gates (squeeze-excitation), channel layer norm (ConvNeXt), channel
 * slices and shuffles and nearest upsampling by NVRTC kernels ({@link ChannelOps}); a plan that convolves also needs
 * cuDNN 9 ({@code libcudnn.so.9}). Not yet on the GPU, refused by name: 1D convolutions and pooling, local response
 * normalization, the per-label accuracy, other losses.
 */
public final class CudaBackend implements DeviceBackend {

    /** For {@link java.util.ServiceLoader}; touches no native code. */
    public CudaBackend() {
    }

    @Override
    public String backend() {
        return "CUDA";
    }

    @Override
    public String unavailableReason() {
        return CudaFacts.machine().refusal(false);
    }

    @Override
    public String describe() {
        return CudaFacts.machine().describe();
    }

    @Override
    public DevicePlan compile(DeviceRequest request) {
        CudaFacts facts = CudaFacts.machine();
        String why = facts.refusal(false);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Batch first = request.batches().get(0).get(0);
        Batch probe = first.size() <= 2 ? first : first.head(2);
        CudaPlanBuilder b = new CudaPlanBuilder(request, probe.features());
        String cudnn = b.needsCudnn ? facts.refusal(true) : null;
        if (cudnn != null) {
            throw new IllegalStateException(cudnn);
        }
        int arch = facts.arch();
        CudaPlan plan = new CudaPlan(b, precision -> new CudaDevice(arch, precision == Precision.TF32));
        plan.requireMemory(CudaDevice.memory()[0], request.anchors(), request.batches());
        String disagreement = plan.check(request.prototype(), probe, b.expected);
        if (disagreement != null) {
            throw b.refusal(disagreement);
        }
        plan.statePrecision(request.prototype(), first);
        return plan;
    }
}
