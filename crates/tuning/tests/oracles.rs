//! The oracles on simulated trials: no model is trained, each trial's
//! "training" is a known function of its hyperparameters, so the
//! strategies' decisions can be checked exactly.

use std::collections::BTreeMap;

use tuning::bayesian_optimization::BayesianStrategy;
use tuning::hyperband::HyperbandStrategy;
use tuning::oracle::{Oracle, Strategy};
use tuning::random_search::RandomSearchStrategy;
use tuning::{Float, HyperParameters, TrialStatus};

/// Runs an oracle to its end, one trial at a time; `score(values, epochs)`
/// plays the trial's training. Returns every trial in creation order.
fn run(oracle: &mut Oracle, score: impl Fn(&HyperParameters, usize) -> f64) -> Vec<tuning::Trial> {
    let mut created = Vec::new();
    loop {
        let trial = oracle.create_trial("tuner0").unwrap();
        if trial.status != TrialStatus::Running {
            assert_eq!(trial.status, TrialStatus::Stopped, "one worker never waits");
            break;
        }
        let epochs = trial.hyperparameters.values().get("tuner/epochs").and_then(|v| v.as_i64()).unwrap_or(1);
        let name = oracle.objective().name.clone();
        let value = score(&trial.hyperparameters, epochs as usize);
        let metrics: BTreeMap<String, f64> = [(name, value)].into();
        oracle.update_trial(&trial.trial_id, &metrics, epochs as usize - 1).unwrap();
        oracle.end_trial(&trial.trial_id, TrialStatus::Completed, None).unwrap();
        created.push(oracle.trials()[&trial.trial_id].clone());
    }
    created
}

fn xy_space() -> HyperParameters {
    let mut space = HyperParameters::new();
    space.float(Float::new("x", 0.0, 1.0)).unwrap();
    space.float(Float::new("y", 0.0, 1.0)).unwrap();
    space
}

fn xy(hp: &HyperParameters) -> (f64, f64) {
    let get = |n: &str| hp.values()[n].as_f64().unwrap();
    (get("x"), get("y"))
}

#[test]
fn hyperband_runs_keras_tuners_brackets() {
    let strategy = HyperbandStrategy::new(10, 3, 1).unwrap();
    let per_iteration = strategy.epochs_per_iteration();
    let mut oracle = Oracle::new("val_accuracy".into(), None, Some(7), Box::new(strategy));
    let mut space = xy_space();
    space.float(Float::new("z", 0.0, 1.0)).unwrap();
    oracle.update_space(&space);
    // Better with more epochs and closer to (0.3, 0.7).
    let trials = run(&mut oracle, |hp, epochs| {
        let (x, y) = xy(hp);
        1.0 - (x - 0.3).powi(2) - (y - 0.7).powi(2) - 1.0 / epochs as f64
    });
    // (bracket, round) -> (trials, epochs each, epochs trained)
    let mut rounds: BTreeMap<(i64, i64), (usize, i64, i64)> = BTreeMap::new();
    for t in &trials {
        let v = |n: &str| t.hyperparameters.values()[n].as_i64().unwrap();
        let entry = rounds.entry((-v("tuner/bracket"), v("tuner/round"))).or_default();
        entry.0 += 1;
        entry.1 = v("tuner/epochs");
        entry.2 += v("tuner/epochs") - v("tuner/initial_epoch");
    }
    let schedule: Vec<(usize, i64)> = rounds.values().map(|r| (r.0, r.1)).collect();
    assert_eq!(schedule, [(12, 2), (4, 4), (2, 10), (6, 4), (2, 10), (4, 10)]);
    assert_eq!(trials.len(), 30);
    let trained: i64 = rounds.values().map(|r| r.2).sum();
    assert_eq!(trained as usize, per_iteration);
    let bracket2: i64 = rounds.iter().filter(|(k, _)| k.0 == -2).map(|(_, r)| r.2).sum();
    // The chapter's estimate max_epochs·(log(max_epochs)/log(factor))² is one bracket's count.
    let estimate = 10.0 * (10f64.ln() / 3f64.ln()).powi(2);
    println!(
        "epochs trained: {trained} per iteration, {bracket2} in the first bracket; chapter's estimate {estimate:.1}"
    );
    assert_eq!((trained, bracket2), (120, 44));
    assert!((estimate - 44.0).abs() < 1.0);
    // A promoted trial continues its parent, the best of its round.
    for t in &trials {
        if let Some(parent) = t.hyperparameters.values().get("tuner/trial_id") {
            let parent = &oracle.trials()[parent.as_str().unwrap()];
            assert_eq!(
                t.hyperparameters.values()["tuner/initial_epoch"],
                parent.hyperparameters.values()["tuner/epochs"]
            );
            assert_eq!(xy(&t.hyperparameters), xy(&parent.hyperparameters));
        }
    }
    // Round 1 of the first bracket promotes the 4 best of round 0's 12.
    let round0: Vec<&tuning::Trial> = trials.iter().take(12).collect();
    let mut scores: Vec<f64> = round0.iter().map(|t| t.score.unwrap()).collect();
    scores.sort_by(|a, b| b.partial_cmp(a).unwrap());
    let promoted: Vec<f64> = trials[12..16]
        .iter()
        .map(|t| {
            oracle.trials()[t.hyperparameters.values()["tuner/trial_id"].as_str().unwrap()].score.unwrap()
        })
        .collect();
    assert_eq!(promoted, scores[..4]);
}

/// Trials until a score within `tolerance` of the minimum 0, or `budget`.
fn trials_to_reach(strategy: Box<dyn Strategy>, seed: u64, tolerance: f64, budget: usize) -> usize {
    let mut oracle = Oracle::new("loss".into(), Some(budget), Some(seed), strategy);
    oracle.update_space(&xy_space());
    let trials = run(&mut oracle, |hp, _| {
        let (x, y) = xy(hp);
        (x - 0.3).powi(2) + (y - 0.7).powi(2)
    });
    trials.iter().position(|t| t.score.unwrap() < tolerance).map_or(budget, |i| i + 1)
}

#[test]
fn bayesian_optimization_needs_fewer_trials_than_random_search() {
    let (tolerance, budget) = (1e-3, 60);
    let seeds: Vec<u64> = (1..=8).collect();
    let mean = |make: &dyn Fn() -> Box<dyn Strategy>| {
        seeds.iter().map(|&s| trials_to_reach(make(), s, tolerance, budget) as f64).sum::<f64>()
            / seeds.len() as f64
    };
    let bayesian = mean(&|| Box::new(BayesianStrategy::default()));
    let random = mean(&|| Box::new(RandomSearchStrategy));
    println!("trials to get within {tolerance} of the minimum: Bayesian {bayesian:.1}, random {random:.1}");
    assert!(bayesian < 20.0, "{bayesian}");
    assert!(bayesian < random / 2.0, "Bayesian {bayesian}, random {random}");
}
