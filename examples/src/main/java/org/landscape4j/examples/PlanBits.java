package org.landscape4j.examples;

import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The exact bits of a 5x5 plane of every bench network (untrained, seeded; 200 FashionMNIST test images or the
 * stand-in) through the public API with its defaults, one line per network and a SHA-256 over all: run it before and
 * after a change that must not change a number (a refactoring, a new back end's CPU path) and compare the lines.
 *
 * <pre>{@code
 * mvn -B -q -pl examples -am -DskipTests package exec:exec -Ddemo.main=org.landscape4j.examples.PlanBits
 * }</pre>
 */
public final class PlanBits {

    private PlanBits() {
    }

    public static void main(String[] args) throws NoSuchAlgorithmException {
        List<String> models = args.length > 0 ? List.of(args) : BenchNetworks.BUILT;
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        for (String model : models) {
            Model net = BenchNetworks.untrained(model);
            DataSet data = BenchNetworks.evaluationData(model, 200);
            Landscape l = Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).seed(1).grid(-1, 1, 5)
                    .evaluateOn("eval", data).metrics(Metric.loss(), Metric.accuracy()).build();
            Surface s = l.surface();
            StringBuilder bits = new StringBuilder();
            for (String metric : List.of("loss", "accuracy")) {
                for (double[] row : s.values("eval", metric)) {
                    for (double v : row) {
                        bits.append(Long.toHexString(Double.doubleToRawLongBits(v))).append(' ');
                    }
                }
            }
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(bits.toString().getBytes(StandardCharsets.UTF_8));
            all.update(digest);
            System.out.println(model + " " + HexFormat.of().formatHex(digest) + "  (" + l.evaluationPlan().lines()
                    .findFirst().orElse("") + ")");
        }
        System.out.println("all " + HexFormat.of().formatHex(all.digest()));
    }
}
