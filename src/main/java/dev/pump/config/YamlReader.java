package dev.pump.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a configuration document with snakeyaml within bounds, so that no file can make
 * {@code check} or {@code run} spend unbounded time or memory, and no mistake passes silently:
 * <ul>
 *   <li>at most {@value #MAX_CODE_POINTS} characters, {@value #MAX_NESTING} levels of nesting and
 *       {@value #MAX_ALIASES} aliases to collections (snakeyaml's own limits, set explicitly);</li>
 *   <li>at most {@value #MAX_EXPANDED_VALUES} values once every alias is expanded: a few aliases of
 *       aliases ("billion laughs") expand exponentially, long before the alias count is reached;</li>
 *   <li>no key twice in one mapping: reported with both line numbers (snakeyaml would keep the
 *       last one silently); no alias that contains itself.</li>
 * </ul>
 * The document is checked as a node graph, where an alias costs nothing, before any value is
 * built from it.
 */
final class YamlReader {

  static final int MAX_CODE_POINTS = 1024 * 1024;
  static final int MAX_NESTING = 50;
  static final int MAX_ALIASES = 50;
  static final long MAX_EXPANDED_VALUES = 100_000;

  private YamlReader() {
  }

  /**
   * @param text the document
   * @return the document's mapping as JSON; an empty document (or only comments) is {@code {}}
   * @throws InvalidConfigException listing each problem, prefixed with {@code source}
   * @throws org.yaml.snakeyaml.error.YAMLException when the text is not YAML within snakeyaml's limits
   */
  static JsonObject read(String text, String source) {
    if (text.length() > MAX_CODE_POINTS) {
      throw new InvalidConfigException(List.of(source + ": the document is " + text.length()
        + " characters long; at most " + MAX_CODE_POINTS + " are read"));
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(true);  // checked below, to name both lines
    NodeConstructor constructor = new NodeConstructor(options);
    DumperOptions unused = new DumperOptions();
    Node root = new Yaml(constructor, new Representer(unused), unused, options).compose(new StringReader(text));
    if (root == null) {
      return new JsonObject();
    }
    List<String> problems = new ArrayList<>();
    long expanded = expandedSize(root, new IdentityHashMap<>(), new IdentityHashMap<>(), problems);
    if (expanded > MAX_EXPANDED_VALUES) {
      problems.add("the document expands to more than " + MAX_EXPANDED_VALUES
        + " values once its aliases are resolved (an alias bomb?); write the values out or use fewer aliases");
    }
    duplicateKeys(root, new IdentityHashMap<>(), problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems.stream().map(p -> source + ": " + p).toList());
    }
    Object value = constructor.construct(root);
    if (!(value instanceof Map<?, ?> map)) {
      throw new InvalidConfigException(List.of(source + ": must be a YAML mapping of keys to values, "
        + "e.g. http:, pipelines:"));
    }
    return jsonObject(map);
  }

  /**
   * Values in {@code node} once aliases are expanded, counted on the graph with one entry per node,
   * so that a bomb costs as little to count as to parse; saturates past the limit.
   */
  private static long expandedSize(Node node, Map<Node, Long> sizes, Map<Node, Boolean> onPath, List<String> problems) {
    Long known = sizes.get(node);
    if (known != null) {
      return known;
    }
    if (onPath.containsKey(node)) {
      problems.add("line " + line(node) + ": an alias refers to a collection that contains it");
      return MAX_EXPANDED_VALUES + 1;
    }
    onPath.put(node, Boolean.TRUE);
    long size = 1;
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        size += expandedSize(tuple.getKeyNode(), sizes, onPath, problems)
          + expandedSize(tuple.getValueNode(), sizes, onPath, problems);
        size = Math.min(size, MAX_EXPANDED_VALUES + 1);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        size = Math.min(size + expandedSize(item, sizes, onPath, problems), MAX_EXPANDED_VALUES + 1);
      }
    }
    onPath.remove(node);
    sizes.put(node, size);
    return size;
  }

  /** Reports every key given twice in one mapping, with the lines of both; each node visited once. */
  private static void duplicateKeys(Node node, Map<Node, Boolean> visited, List<String> problems) {
    if (visited.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof MappingNode mapping) {
      Map<String, Integer> firstLine = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && !Tag.MERGE.equals(key.getTag())) {
          Integer first = firstLine.putIfAbsent(key.getValue(), line(key));
          if (first != null) {
            problems.add("line " + line(key) + ": key '" + key.getValue() + "' is given twice in the same mapping"
              + " (first at line " + first + ")");
          }
        }
        duplicateKeys(tuple.getValueNode(), visited, problems);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        duplicateKeys(item, visited, problems);
      }
    }
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private static JsonObject jsonObject(Map<?, ?> map) {
    JsonObject json = new JsonObject();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      json.put(String.valueOf(entry.getKey()), jsonValue(entry.getValue()));
    }
    return json;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      return jsonObject(map);
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(jsonValue(item)));
      return array;
    }
    if (value instanceof Set<?> set) {
      JsonArray array = new JsonArray();
      set.forEach(item -> array.add(jsonValue(item)));
      return array;
    }
    if (value instanceof Date date) {
      return date.toInstant();
    }
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    return value;
  }

  /** snakeyaml's safe constructor, building values from a node already composed and checked. */
  private static final class NodeConstructor extends SafeConstructor {
    NodeConstructor(LoaderOptions options) {
      super(options);
    }

    Object construct(Node node) {
      return constructDocument(node);
    }
  }
}
