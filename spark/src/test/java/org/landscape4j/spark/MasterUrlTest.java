package org.landscape4j.spark;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The master URLs Spark 4 accepts pass; the others fail when given, naming the URL (issue 19, item 3). */
class MasterUrlTest {

    @ParameterizedTest
    @ValueSource(strings = {"local", "local[1]", "local[16]", "local[*]", "local[2,4]", "local[*, 3]",
            "local-cluster[2,1,1024]", "spark://host:7077", "spark://10.0.0.1:7077,10.0.0.2:7077",
            "landscape4j-test://cluster"})
    void whatSparkAcceptsPassesWithoutAContext(String url) {
        assertThatCode(() -> SparkExecutor.master(url).close()).doesNotThrowAnyException();
    }

    @Test
    void whatSparkRefusesFailsWhenGivenNamingTheUrlAndTheAcceptedForms() {
        assertThatThrownBy(() -> SparkExecutor.master("bogus://x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Spark master URL 'bogus://x' is not one Spark accepts: local, local[N], local[*],"
                        + " local[N,F], local[*,F], local-cluster[N,C,MB], spark://host:port[,host:port...], yarn,"
                        + " k8s://[https://]host:port");
        assertThatThrownBy(() -> SparkExecutor.master("local[0]"))
                .hasMessage("Spark master URL 'local[0]' asks for 0 threads; local[N] needs N >= 1");
        assertThatThrownBy(() -> SparkExecutor.master("local[99999999999]"))
                .hasMessageStartingWith("Spark master URL 'local[99999999999]' asks for 99999999999 threads");
        assertThatThrownBy(() -> SparkExecutor.master("local[2,]")).hasMessageContaining("is not one Spark accepts");
        assertThatThrownBy(() -> SparkExecutor.master("LOCAL")).hasMessageContaining("is not one Spark accepts");
        assertThatThrownBy(() -> SparkExecutor.master("spark://host")).hasMessage("Spark master URL 'spark://host'"
                + " must list its masters as host:port (spark://host:7077[,host2:7077...]), was 'host'");
        assertThatThrownBy(() -> SparkExecutor.master("spark://a:7077,")).hasMessageEndingWith("was ''");
        assertThatThrownBy(() -> SparkExecutor.master("spark://a:7077/path")).hasMessageEndingWith("was 'a:7077/path'");
        assertThatThrownBy(() -> SparkExecutor.master("yarn")).hasMessage("Spark master URL 'yarn' needs Spark's"
                + " cluster manager for it on the class path (spark-yarn_2.13), which is not there");
        assertThatThrownBy(() -> SparkExecutor.master("k8s://https://h:6443")).hasMessageContaining(
                "(spark-kubernetes_2.13), which is not there");
        assertThatThrownBy(() -> SparkExecutor.master("mesos://h:5050"))
                .hasMessageStartingWith("Spark master URL 'mesos://h:5050': Spark 4 has no Mesos support; accepted: ");
        assertThatThrownBy(() -> SparkExecutor.master(" ")).hasMessage("Spark master URL must not be blank, was ' '");
        assertThatThrownBy(() -> SparkExecutor.of(new SparkConf().setMaster("bogus://x")))
                .hasMessageContaining("'bogus://x' is not one Spark accepts");
    }
}
