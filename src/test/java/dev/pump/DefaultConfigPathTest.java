package dev.pump;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where {@code run} without a PATH looks for conf/config.yaml. */
class DefaultConfigPathTest {

  @Test
  void theWorkingDirectoryComesFirstThenNextToTheJarThenTheFolderAboveIt() {
    assertThat(Main.defaultConfigCandidates(Path.of("/home/me"), Optional.of(Path.of("/opt/pump/target"))))
      .containsExactly(Path.of("/home/me/conf/config.yaml"), Path.of("/opt/pump/target/conf/config.yaml"),
        Path.of("/opt/pump/conf/config.yaml"));
  }

  @Test
  void aPathIsTriedOnceWhenTheJarIsInTheWorkingDirectoryOrItsFolderIsUnknown() {
    assertThat(Main.defaultConfigCandidates(Path.of("/opt/pump"), Optional.of(Path.of("/opt/pump/target"))))
      .containsExactly(Path.of("/opt/pump/conf/config.yaml"), Path.of("/opt/pump/target/conf/config.yaml"));
    assertThat(Main.defaultConfigCandidates(Path.of("/home/me"), Optional.empty()))
      .containsExactly(Path.of("/home/me/conf/config.yaml"));
  }
}
