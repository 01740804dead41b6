package dev.pump.rules;

import dev.pump.trigger.FiringMode;
import dev.pump.trigger.WebhookTrigger.Signature;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class SpellingsTest {

  @Test
  void aConstantIsSpelledInLowerCaseWithDashes() {
    assertThat(Spellings.of(FiringMode.CLUSTER_ONCE)).isEqualTo("cluster-once");
    assertThat(Spellings.all(FiringMode.class)).containsExactly("cluster-once", "every-node");
    assertThat(Spellings.parse(FiringMode.class, "every-node")).contains(FiringMode.EVERY_NODE);
    assertThat(Spellings.parse(FiringMode.class, "EVERY_NODE")).isEmpty();
  }

  @Test
  void theSpellingDoesNotDependOnTheDefaultLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));  // where "I".toLowerCase() is a dotless ı
    try {
      assertThat(Spellings.of(Signature.GITHUB)).isEqualTo("github");
      assertThat(Spellings.parse(Signature.class, "github")).contains(Signature.GITHUB);
    } finally {
      Locale.setDefault(before);
    }
  }
}
