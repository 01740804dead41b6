package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.trigger.RunOnceTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The kinds on the classpath must have names a YAML type can be, each name once. */
class KindsTest {

  @TempDir
  Path dir;

  private URLClassLoader listing(Class<?> kind) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(TriggerKind.class.getName()), kind.getName() + "\n");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, KindsTest.class.getClassLoader());
  }

  @Test
  void aSecondKindOfABuiltInNameIsRefusedNamingBothClasses() throws IOException {
    try (URLClassLoader loader = listing(SecondRunOnce.class)) {
      assertThatIllegalStateException().isThrownBy(() -> Kinds.of(loader))
        .withMessage("two TriggerKinds are named 'runonce': dev.pump.config.kind.RunOnceTriggerKind and "
          + SecondRunOnce.class.getName());
    }
  }

  @Test
  void aKindWhoseNameCannotBeATypeIsRefused() throws IOException {
    try (URLClassLoader loader = listing(Spaced.class)) {
      assertThatIllegalStateException().isThrownBy(() -> Kinds.of(loader))
        .withMessage("TriggerKind " + Spaced.class.getName() + ": name 'run once' must be 1-128 letters, digits, "
          + "'.', '_' or '-', starting with a letter or digit");
    }
  }

  /** Another kind named runonce. */
  public static class SecondRunOnce implements TriggerKind<TriggerConfig.RunOnce, RunOnceTrigger> {

    @Override
    public String name() {
      return "runonce";
    }

    @Override
    public List<String> keys() {
      return List.of();
    }

    @Override
    public TriggerConfig.RunOnce bind(String id, ConfigNode node) {
      return id == null ? null : new TriggerConfig.RunOnce(id);
    }

    @Override
    public RunOnceTrigger create(PumpApplication app, TriggerConfig.RunOnce config) {
      return new RunOnceTrigger(app);
    }

    @Override
    public Class<RunOnceTrigger> triggerClass() {
      return RunOnceTrigger.class;
    }

    @Override
    public String describe(RunOnceTrigger trigger) {
      return "once";
    }
  }

  /** A kind whose name has a space. */
  public static class Spaced extends SecondRunOnce {
    @Override
    public String name() {
      return "run once";
    }
  }
}
