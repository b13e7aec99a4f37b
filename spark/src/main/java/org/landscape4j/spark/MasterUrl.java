package org.landscape4j.spark;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.scheduler.ExternalClusterManager;

/**
 * The master URLs Spark 4 accepts, checked as {@code SparkContext} parses them ({@code SparkMasterRegex} and
 * {@code createTaskScheduler}), but before a context is made, so that a bad URL fails when it is given, in one line,
 * not later with Spark's log and stack trace: {@code local}, {@code local[N]}, {@code local[*]},
 * {@code local[N,F]} and {@code local[*,F]} (F tries per task), {@code local-cluster[N,C,MB]},
 * {@code spark://host:port[,host:port...]}, and the URLs of a cluster manager on the class path
 * ({@code yarn} with {@code spark-yarn}, {@code k8s://...} with {@code spark-kubernetes}; Spark 4 has no Mesos).
 */
final class MasterUrl {

    /** What the messages list. */
    static final String ACCEPTED = "local, local[N], local[*], local[N,F], local[*,F], local-cluster[N,C,MB],"
            + " spark://host:port[,host:port...], yarn, k8s://[https://]host:port";

    private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
    private static final Pattern LOCAL_N_FAILURES = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
    private static final Pattern LOCAL_CLUSTER =
            Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");

    private MasterUrl() {
    }

    /**
     * @throws IllegalArgumentException naming the URL and what Spark accepts, when Spark would refuse it
     */
    static void check(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Spark master URL must not be blank, was "
                    + (url == null ? "null" : "'" + url + "'"));
        }
        if (url.equals("local") || LOCAL_CLUSTER.matcher(url).matches()) {
            return;
        }
        Matcher local = LOCAL_N.matcher(url);
        Matcher failures = LOCAL_N_FAILURES.matcher(url);
        if (local.matches() || failures.matches()) {
            String threads = local.matches() ? local.group(1) : failures.group(1);
            if (threads.equals("*")) {
                return;
            }
            long n = threads.length() > 10 ? Long.MAX_VALUE : Long.parseLong(threads);
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Spark master URL '" + url + "' asks for " + threads
                        + " threads; local[N] needs N " + (n < 1 ? ">= 1" : "<= " + Integer.MAX_VALUE));
            }
            return;
        }
        if (url.startsWith("spark://")) {
            for (String master : url.substring("spark://".length()).split(",", -1)) {
                if (!isHostAndPort(master)) {
                    throw new IllegalArgumentException("Spark master URL '" + url + "' must list its masters as"
                            + " host:port (spark://host:7077[,host2:7077...]), was '" + master + "'");
                }
            }
            return;
        }
        List<String> managers = clusterManagersFor(url);
        if (managers.size() == 1) {
            return;
        }
        if (managers.size() > 1) {
            throw new IllegalArgumentException("Spark master URL '" + url + "' is claimed by several cluster managers"
                    + " on the class path: " + String.join(", ", managers));
        }
        String module = url.equals("yarn") ? "spark-yarn_2.13" : url.startsWith("k8s") ? "spark-kubernetes_2.13"
                : null;
        if (module != null) {
            throw new IllegalArgumentException("Spark master URL '" + url + "' needs Spark's cluster manager for it on"
                    + " the class path (" + module + "), which is not there");
        }
        if (url.startsWith("mesos://")) {
            throw new IllegalArgumentException("Spark master URL '" + url + "': Spark 4 has no Mesos support;"
                    + " accepted: " + ACCEPTED);
        }
        throw new IllegalArgumentException("Spark master URL '" + url + "' is not one Spark accepts: " + ACCEPTED);
    }

    /** As Spark's {@code Utils.extractHostPortFromSparkUrl}: a host, a port, nothing else. */
    private static boolean isHostAndPort(String master) {
        try {
            URI uri = new URI("spark://" + master);
            return uri.getHost() != null && uri.getPort() >= 0 && (uri.getPath() == null || uri.getPath().isEmpty())
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The cluster managers on the class path that take {@code url}, found as Spark finds them (a service). */
    private static List<String> clusterManagersFor(String url) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<String> names = new ArrayList<>();
        try {
            for (ExternalClusterManager m : ServiceLoader.load(ExternalClusterManager.class,
                    loader != null ? loader : MasterUrl.class.getClassLoader())) {
                if (m.canCreate(url)) {
                    names.add(m.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("Spark master URL '" + url + "': cannot load Spark's cluster managers ("
                    + e.getMessage() + ")");
        }
        return names;
    }
}
