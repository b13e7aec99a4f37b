package org.landscape4j.engine;

import java.util.Locale;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(GermanLocale.class)}: each test runs with {@link Locale#GERMANY} as the default locale (decimal
 * comma), and the previous default is restored afterwards. For the tests that numbers in text and files do not depend
 * on the locale (engine, charts).
 */
public final class GermanLocale implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GermanLocale.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("saved", Locale.getDefault());
        Locale.setDefault(Locale.GERMANY);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Locale.setDefault(context.getStore(NAMESPACE).get("saved", Locale.class));
    }
}
