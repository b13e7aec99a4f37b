package org.landscape4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.spark.launcher.JavaModuleOptions;

/** Starts a JVM on the tests' class path with Spark's Java 17 options, as {@code spark-class} does. */
final class ChildJvm {

    private ChildJvm() {
    }

    /** The tests' class path: every Maven artifact of this module and its tests. */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /**
     * Starts {@code mainClass} with {@code args}; standard output is piped to the caller, standard error goes to
     * {@code log}.
     */
    static Process start(Path log, Map<String, String> env, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
