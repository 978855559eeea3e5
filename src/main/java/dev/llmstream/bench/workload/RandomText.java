package dev.llmstream.bench.workload;

import java.util.random.RandomGenerator;

/**
 * Seeded random text for synthetic prompts: lowercase common English words separated by single spaces.
 *
 * <p>Why words and not random token ids (vLLM's random dataset decodes random ids): the bench knows no
 * vocabulary unless given one, and random ids decode to text that re-tokenizes to a different length.
 * Common words are single tokens in the usual vocabularies, so prompts size predictably, and the first
 * words differ between prompts, so no two prompts share a cacheable prefix by accident.
 */
public final class RandomText {
    private static final String[] WORDS = (
            "the of and to in is that for it as was with be by on not he this are or his from at which but"
            + " have an they you were her she there been one all we their has would when if so no will can more"
            + " about said out up them some what into could time two may then do first any now such like our"
            + " over man me even most made after also did many before must through back years where much your"
            + " way well down should because each just those people how too little state good very make world"
            + " still own see men work long get here between both life being under never day same another know"
            + " while last might us great old year off come since against go came right used take three small"
            + " house water room light river stone garden window table paper music story field city road"
            + " market letter morning evening summer winter island forest valley bridge tower harbor station"
            + " engine signal number figure system method answer question problem reason result value order"
            + " level point place group family friend school street village country mountain ocean cloud fire"
            + " green blue red white black yellow silver golden quiet bright early late simple clear open close"
            + " walk run read write build carry draw hold keep leave move play send turn watch speak learn teach")
            .split(" ");

    private RandomText() {
    }

    /** One random word. */
    public static String word(RandomGenerator random) {
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** {@code n} random words joined by single spaces. */
    public static String words(RandomGenerator random, int n) {
        StringBuilder sb = new StringBuilder(n * 6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(word(random));
        }
        return sb.toString();
    }

    /** {@code n} random words as an array (units for {@link PromptSizer}). */
    public static String[] wordArray(RandomGenerator random, int n) {
        String[] w = new String[n];
        for (int i = 0; i < n; i++) {
            w[i] = word(random);
        }
        return w;
    }

    /** A random lowerCamelCase identifier of two or three words, for synthetic code. */
    public static String identifier(RandomGenerator random) {
        int parts = 2 + random.nextInt(2);
        StringBuilder sb = new StringBuilder(word(random));
        for (int i = 1; i < parts; i++) {
            String w = word(random);
            sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
        }
        return sb.toString();
    }
}
