package org.landscape4j.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine's package arrows point one way (docs/ARCHITECTURE.md): the API package uses the others; curvature uses
 * geometry's Hessian-vector products (geometry never uses curvature); geometry uses the parameter layout, the forward
 * passes and the exact Hessian; the inference plan uses the forward-pass basics; nothing below the API reaches back up.
 */
class ArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.landscape4j.engine");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.landscape4j.(**)").should().beFreeOfCycles().check(ENGINE);
    }

    @Test
    void layersAreUsedOnlyFromAbove() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("org.landscape4j.engine")
                .layer("curvature").definedBy("org.landscape4j.engine.curvature..")
                .layer("geometry").definedBy("org.landscape4j.engine.geometry..")
                .layer("plan").definedBy("org.landscape4j.engine.internal.plan..")
                .layer("hessian").definedBy("org.landscape4j.engine.internal.hessian..")
                .layer("device").definedBy("org.landscape4j.engine.device..")
                .layer("forward").definedBy("org.landscape4j.engine.internal")
                .layer("parameters").definedBy("org.landscape4j.engine.parameters..")
                .layer("graph").definedBy("org.landscape4j.engine.graph..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("curvature").mayOnlyBeAccessedByLayers("api")
                .whereLayer("geometry").mayOnlyBeAccessedByLayers("api", "curvature")
                .whereLayer("plan").mayOnlyBeAccessedByLayers("api")
                .whereLayer("hessian").mayOnlyBeAccessedByLayers("geometry")
                .whereLayer("device").mayOnlyBeAccessedByLayers("api")
                .whereLayer("forward").mayOnlyBeAccessedByLayers("api", "curvature", "geometry", "plan", "hessian",
                        "device")
                .whereLayer("parameters").mayOnlyBeAccessedByLayers("api", "curvature", "geometry", "device")
                .whereLayer("graph").mayOnlyBeAccessedByLayers("api", "geometry", "plan", "hessian", "forward",
                        "parameters", "device")
                .check(ENGINE);
    }

    /**
     * ND4J M2.1's broadcast path can let GC free an op's dimension array during the native call (see the plan's
     * {@code Broadcasts} and {@code internal.BroadcastFence}); the inference plan, the hot path, keeps its ops
     * reachable itself, fence or not, so it runs broadcasts only through {@code Broadcasts}.
     */
    @Test
    void thePlanRunsBroadcastsOnlyThroughBroadcasts() {
        DescribedPredicate<JavaCall<?>> broadcast = DescribedPredicate.describe("ND4J's row/column-vector ops or its"
                + " exec(BroadcastOp)", call -> {
                    String owner = call.getTargetOwner().getName();
                    String name = call.getName();
                    boolean vectorOp = owner.startsWith("org.nd4j.linalg.api.ndarray.")
                            && (name.endsWith("RowVector") || name.endsWith("ColumnVector"));
                    boolean exec = owner.startsWith("org.nd4j.") && name.equals("exec")
                            && call.getTarget().getRawParameterTypes().stream()
                            .anyMatch(t -> t.isAssignableTo(org.nd4j.linalg.api.ops.BroadcastOp.class));
                    return vectorOp || exec;
                });
        noClasses().that().resideInAPackage("org.landscape4j.engine.internal.plan..")
                .and().doNotHaveSimpleName("Broadcasts")
                .should().callMethodWhere(broadcast)
                .check(ENGINE);
    }
}
