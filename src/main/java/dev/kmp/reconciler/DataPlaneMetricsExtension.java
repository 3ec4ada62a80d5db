package dev.kmp.reconciler;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Kong operator's {@code DataPlaneMetricsExtension} (same group, version and spec fields, so Kong's
 * manifests apply unchanged), plus optional {@code serviceSelector.matchLabels} and a real status.
 * deploy/crds/ is generated from this class; never edit the YAML by hand.
 */
@Group(DataPlaneMetricsExtension.GROUP)
@Version(DataPlaneMetricsExtension.VERSION)
@Kind("DataPlaneMetricsExtension")
@Plural("dataplanemetricsextensions")
@Singular("dataplanemetricsextension")
public class DataPlaneMetricsExtension extends CustomResource<DataPlaneMetricsExtensionSpec, DataPlaneMetricsExtensionStatus>
        implements Namespaced {
    public static final String GROUP = "gateway-operator.konghq.com";
    public static final String VERSION = "v1alpha1";
    public static final String CRD_NAME = "dataplanemetricsextensions." + GROUP;
}
