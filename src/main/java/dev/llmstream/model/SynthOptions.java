package dev.llmstream.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code model synth} should build.
 *
 * @param shape         hyperparameters (its {@code nVocab} sizes a generated vocabulary)
 * @param weightType    storage type of the matrices, or llama.cpp's mix of types ({@link QuantMix});
 *                      1-D tensors are always F32
 * @param seed          the model seed: same options and seed give a byte-identical file, and the
 *                      same float weights for every {@code weightType}
 * @param vocabFrom     copy {@code tokenizer.*} from this GGUF instead of generating a vocabulary;
 *                      its token count then decides the vocabulary size
 * @param strictVocabSize with {@code vocabFrom}: fail unless its token count equals
 *                      {@code shape.nVocab()} (the user asked for a size explicitly)
 * @param name          {@code general.name}; default {@code synth-<shape>}
 * @param threads       worker threads generating weights
 */
public record SynthOptions(ModelShape shape, WeightType weightType, long seed, Optional<Path> vocabFrom,
                           boolean strictVocabSize, Optional<String> name, int threads) {

    public SynthOptions {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(weightType, "weightType");
        Objects.requireNonNull(vocabFrom, "vocabFrom");
        Objects.requireNonNull(name, "name");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, is " + threads);
        }
    }

    /** A generated-vocabulary model of {@code shape} using all processors. */
    public static SynthOptions of(ModelShape shape, WeightType weightType, long seed) {
        return new SynthOptions(shape, weightType, seed, Optional.empty(), false, Optional.empty(),
                Runtime.getRuntime().availableProcessors());
    }

    public SynthOptions withThreads(int n) {
        return new SynthOptions(shape, weightType, seed, vocabFrom, strictVocabSize, name, n);
    }

    public SynthOptions withVocabFrom(Path file) {
        return new SynthOptions(shape, weightType, seed, Optional.of(file), strictVocabSize, name, threads);
    }
}
