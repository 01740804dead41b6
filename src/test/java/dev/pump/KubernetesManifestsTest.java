package dev.pump;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pump.config.ConfigLoader;
import dev.pump.config.PumpConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes, checked without a cluster: every document binds to the Kubernetes object model of fabric8
 * (generated from Kubernetes' OpenAPI schemas) with no field the model does not know and every value of the
 * type the schema wants; then what the schemas cannot say: probes on the routes they are meant for, the
 * configuration valid for vertx-pump with the variables the pods get, the headless service matching the pods.
 */
class KubernetesManifestsTest {

  private static final Path MANIFESTS = Path.of("deploy/kubernetes/vertx-pump.yaml");
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
    "ConfigMap", ConfigMap.class, "Service", Service.class, "StatefulSet", StatefulSet.class);
  private static final ObjectMapper MAPPER = new ObjectMapper()
    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  @TempDir
  Path dir;

  @Test
  void everyDocumentBindsToTheKubernetesModelWithNoUnknownField() throws Exception {
    List<HasMetadata> objects = objects();

    assertThat(objects).extracting(HasMetadata::getKind)
      .containsExactly("ConfigMap", "Service", "Service", "StatefulSet");
    for (HasMetadata object : objects) {
      assertThat(unknownFields(object, object.getKind(), new IdentityHashMap<>())).as(object.getKind()).isEmpty();
    }
  }

  @Test
  void theUnknownFieldCheckFindsAMisspelledField() throws Exception {
    Map<String, Object> service = new LinkedHashMap<>(Map.of("apiVersion", "v1", "kind", "Service",
      "metadata", Map.of("name", "x"), "spec", Map.of("clusterIp", "None")));

    Service bound = MAPPER.convertValue(service, Service.class);

    assertThat(unknownFields(bound, "Service", new IdentityHashMap<>())).containsExactly("Service.spec.clusterIp");
  }

  @Test
  void livenessAndReadinessProbeTheirOwnRoutes() throws Exception {
    Container container = statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(path(container.getLivenessProbe())).isEqualTo("/health/live");
    assertThat(path(container.getStartupProbe())).isEqualTo("/health/live");
    assertThat(path(container.getReadinessProbe())).isEqualTo("/health/ready");
    Set<String> ports = container.getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
    assertThat(ports).contains(container.getLivenessProbe().getHttpGet().getPort().getStrVal(),
      container.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertThat(statefulSet().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
  }

  @Test
  void thePodsRunTheImageTheBuildMakes() throws Exception {
    Container container = statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0);

    // mvn -Pimage package names it so (pump.image.name); ImageIT checks the image itself
    assertThat(container.getImage()).isEqualTo("vertx-pump:" + BuildInfo.version());
  }

  @Test
  void theConfigMapIsAValidConfigurationWithThePodsVariables() throws Exception {
    ConfigMap configMap = (ConfigMap) objects().get(0);
    Path config = Files.writeString(dir.resolve("config.yaml"), configMap.getData().get("config.yaml"));
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (variable.getName().startsWith("PUMP_")) {
        // what the kubelet substitutes for $(POD_IP) and $(POD_NAME)
        env.put(variable.getName(), variable.getValue().replace("$(POD_IP)", "10.0.0.7")
          .replace("$(POD_NAME)", "vertx-pump-0"));
      }
    }
    env.put("PUMP_DATA_DIR", dir.resolve("data").toString());

    PumpConfig loaded = new ConfigLoader(env).load(config);

    assertThat(loaded.cluster().enabled()).isTrue();
    assertThat(loaded.cluster().members()).hasSize(statefulSet().getSpec().getReplicas());
    assertThat(loaded.cluster().nodeId()).isEqualTo("vertx-pump-0");
    assertThat(loaded.http().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void theHeadlessServiceSelectsThePodsAndNamesEveryMember() throws Exception {
    StatefulSet statefulSet = statefulSet();
    Service headless = (Service) objects().stream()
      .filter(o -> o.getMetadata().getName().equals(statefulSet.getSpec().getServiceName())).findFirst().orElseThrow();

    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(statefulSet.getSpec().getTemplate().getMetadata().getLabels())
      .containsAllEntriesOf(headless.getSpec().getSelector());
    String members = statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
      .filter(v -> v.getName().equals("PUMP_CLUSTER_MEMBERS")).findFirst().orElseThrow().getValue();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < statefulSet.getSpec().getReplicas(); i++) {
      expected.add(statefulSet.getMetadata().getName() + "-" + i + "." + headless.getMetadata().getName() + ":5701");
    }
    assertThat(members.split(",")).containsExactlyElementsOf(expected);
  }

  private static String path(Probe probe) {
    return probe.getHttpGet().getPath();
  }

  private static StatefulSet statefulSet() throws Exception {
    return (StatefulSet) objects().get(3);
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> objects() throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    for (Object document : yaml.loadAll(Files.readString(MANIFESTS))) {
      Map<String, Object> map = (Map<String, Object>) document;
      Class<? extends HasMetadata> type = KINDS.get((String) map.get("kind"));
      assertThat(type).as("a kind this test knows: " + map.get("kind")).isNotNull();
      objects.add(MAPPER.convertValue(map, type));
    }
    return objects;
  }

  /**
   * The model keeps a field it does not know in {@code additionalProperties} instead of failing: every such
   * field, anywhere in the object, as a dotted path.
   */
  private static List<String> unknownFields(Object object, String where, Map<Object, Boolean> seen) throws Exception {
    List<String> unknown = new ArrayList<>();
    if (object == null || seen.put(object, true) != null) {
      return unknown;
    }
    if (object instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknown.addAll(unknownFields(item, where + "[" + i++ + "]", seen));
      }
      return unknown;
    }
    if (object instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> entry : entries.entrySet()) {
        unknown.addAll(unknownFields(entry.getValue(), where + "." + entry.getKey(), seen));
      }
      return unknown;
    }
    if (!object.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return unknown;
    }
    for (Method getter : object.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value = getter.invoke(object);
      String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(where + "." + key));
      } else {
        unknown.addAll(unknownFields(value, where + "." + field, seen));
      }
    }
    return unknown;
  }
}
