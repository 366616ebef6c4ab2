package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;

/**
 * A multi-armed bandit over a deployment's versions (the arms), fed with rewards from feedback.
 * {@code thompson}: each request samples every arm's posterior of its mean reward and takes the
 * best — Beta(1 + successes, 1 + failures) for binary rewards; for real rewards a normal posterior
 * of the arm's mean, with one pseudo-reward at the mean of all arms and the variance of the rewards
 * pooled over every arm (an arm's own variance from a handful of unlucky rewards would make its
 * posterior narrow and starve it); {@code epsilon_greedy}: the best mean, or with probability ε a random arm. With
 * {@code discount} below 1 every new reward of an arm first shrinks that arm's evidence by the
 * factor, so an arm's estimate follows its recent rewards and the allocation moves when they
 * change. Thread-safe.
 */
public final class BanditAllocator {
    private final DeploymentSpec.Bandit bandit;
    private final List<String> arms;
    private final double[] weight;
    private final double[] sum;
    private final double[] sumSquares;
    private final long[] chosen;
    private final RandomGenerator random;
    private final SplittableRandom coin;

    public BanditAllocator(DeploymentSpec.Bandit bandit, List<String> arms, long seed) {
        this.bandit = requireNonNull(bandit, "bandit is null");
        this.arms = List.copyOf(arms);
        if (this.arms.size() < 2) {
            throw new IllegalArgumentException("a bandit needs two arms");
        }
        this.weight = new double[arms.size()];
        this.sum = new double[arms.size()];
        this.sumSquares = new double[arms.size()];
        this.chosen = new long[arms.size()];
        this.random = new Well19937c(seed);
        this.coin = new SplittableRandom(seed);
    }

    public List<String> arms() {
        return arms;
    }

    public DeploymentSpec.Bandit bandit() {
        return bandit;
    }

    /** The arm (index into {@link #arms()}) the next request goes to. */
    public synchronized int choose() {
        int best;
        if (bandit.algorithm().equals("epsilon_greedy")) {
            best = coin.nextDouble() < bandit.epsilon() ? coin.nextInt(arms.size()) : argmax(this::mean);
        } else {
            best = argmax(this::sample);
        }
        chosen[best]++;
        return best;
    }

    /** Records a reward of an arm (0 or 1 for binary rewards). */
    public synchronized void reward(String arm, double reward) {
        int i = arms.indexOf(arm);
        if (i < 0 || !Double.isFinite(reward)) {
            return;
        }
        if (bandit.discount() < 1) {
            weight[i] *= bandit.discount();
            sum[i] *= bandit.discount();
            sumSquares[i] *= bandit.discount();
        }
        double r = bandit.reward().equals("binary") ? (reward > 0 ? 1 : 0) : reward;
        weight[i] += 1;
        sum[i] += r;
        sumSquares[i] += r * r;
    }

    /** Each arm's evidence, mean reward and share of the requests so far, for people. */
    public synchronized List<Arm> posterior() {
        long total = 0;
        for (long c : chosen) {
            total += c;
        }
        List<Arm> out = new ArrayList<>();
        for (int i = 0; i < arms.size(); i++) {
            out.add(new Arm(arms.get(i), weight[i], weight[i] == 0 ? Double.NaN : sum[i] / weight[i], chosen[i], total == 0 ? 0
                    : (double) chosen[i] / total));
        }
        return out;
    }

    /** One arm as {@link #posterior()} shows it: its (discounted) number of rewards, their mean, and how often it was chosen. */
    public record Arm(String arm, double evidence, double meanReward, long chosen, double share) {
    }

    private double mean(int i) {
        return weight[i] == 0 ? Double.POSITIVE_INFINITY : sum[i] / weight[i];
    }

    private double sample(int i) {
        if (bandit.reward().equals("binary")) {
            double successes = sum[i];
            double failures = weight[i] - sum[i];
            return new BetaDistribution(1 + successes, 1 + Math.max(0, failures)).inverseCumulativeProbability(random.nextDouble());
        }
        if (weight[i] == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double n = 0;
        double total = 0;
        double squares = 0;
        for (int k = 0; k < arms.size(); k++) {
            n += weight[k];
            total += sum[k];
            squares += sumSquares[k];
        }
        double pooledMean = total / n;
        double variance = n > 1 ? Math.max(1e-12, (squares - n * pooledMean * pooledMean) / (n - 1)) : 1;
        double mean = (sum[i] + pooledMean) / (weight[i] + 1);
        return mean + random.nextGaussian() * Math.sqrt(variance / (weight[i] + 1));
    }

    private int argmax(java.util.function.IntToDoubleFunction score) {
        int best = 0;
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < arms.size(); i++) {
            double s = score.applyAsDouble(i);
            if (s > top) {
                top = s;
                best = i;
            }
        }
        return best;
    }
}
