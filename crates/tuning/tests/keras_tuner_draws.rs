//! Our random draws against Keras Tuner's own: the same search spaces and
//! seeds as `benches/peers/keras_tuner_draws.py`, whose output (Keras
//! Tuner 1.4.8's trials) is committed as `tests/data/keras_tuner_draws.json`
//! and checked against the script in CI.

use std::collections::BTreeMap;

use keras::layers::{Dense, Input};
use keras::{Model, Sequential};
use tuning::tuner::{HyperModel, Tuner, TunerOptions};
use tuning::{Boolean, Choice, Fixed, Float, HyperParameters, Int, Sampling, TrialStatus, Value};

fn tiny_model() -> tuning::Result<Model> {
    let mut model = Sequential::new(vec![Input::new(&[2]).into(), Dense::new(1).into()])?;
    model.compile("mse", "sgd", &[])?;
    Ok(model)
}

fn chapter(hp: &mut HyperParameters) -> tuning::Result<Model> {
    hp.int(Int::new("n_hidden", 0, 8).default(2))?;
    hp.int(Int::new("n_neurons", 16, 256))?;
    hp.float(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log))?;
    hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
    tiny_model()
}

fn every_kind(hp: &mut HyperParameters) -> tuning::Result<Model> {
    hp.int(Int::new("units", 16, 256).step(2).sampling(Sampling::Log))?;
    hp.int(Int::new("layers", 6, 13).step(3))?;
    hp.int(Int::new("width", 8, 512).sampling(Sampling::Log))?;
    hp.float(Float::new("momentum", 0.5, 0.999).sampling(Sampling::ReverseLog))?;
    hp.float(Float::new("dropout", 0.0, 0.5).step(0.1))?;
    hp.float(Float::new("decay", 1e-6, 1e-2).step(10.0).sampling(Sampling::Log))?;
    hp.boolean(Boolean::new("normalize"))?;
    hp.choice(Choice::new("batch_size", [16, 32, 64]))?;
    hp.fixed(Fixed::new("epochs", 10))?;
    hp.choice(Choice::new("model_type", ["mlp", "wide"]))?;
    hp.conditional_scope("model_type", ["mlp"], |hp| hp.int(Int::new("depth", 1, 4)))?;
    hp.conditional_scope("model_type", ["wide"], |hp| {
        hp.float(Float::new("wide_l2", 1e-5, 1e-1).sampling(Sampling::Log))
    })?;
    tiny_model()
}

fn two_values(hp: &mut HyperParameters) -> tuning::Result<Model> {
    hp.boolean(Boolean::new("normalize"))?;
    tiny_model()
}

/// Creates trials as the peer script does: each ended at once with the
/// same score.
fn our_draws<H: HyperModel>(
    build: H,
    seed: u64,
    max_trials: usize,
    bayesian: bool,
) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let options = TunerOptions {
        max_trials: Some(max_trials),
        seed: Some(seed),
        directory: dir.path().to_path_buf(),
        project_name: "draws".into(),
        overwrite: true,
        ..TunerOptions::new("val_loss")
    };
    let mut tuner = if bayesian {
        tuning::BayesianOptimization::new(build, None, 1e-4, 2.6, options).unwrap()
    } else {
        tuning::RandomSearch::new(build, options).unwrap()
    };
    let _: &Tuner<H> = &tuner;
    tuner.populate_initial_space().unwrap();
    let oracle = tuner.oracle_mut();
    let mut trials = Vec::new();
    for _ in 0..=max_trials {
        let trial = oracle.create_trial("tuner0").unwrap();
        let status = serde_json::to_value(trial.status).unwrap();
        let values = serde_json::to_value(trial.hyperparameters.values()).unwrap();
        trials.push(serde_json::json!({"trial_id": trial.trial_id, "status": status, "values": values}));
        if trial.status != TrialStatus::Running {
            break;
        }
        let metrics: BTreeMap<String, f64> = [("val_loss".to_string(), 1.0)].into();
        oracle.update_trial(&trial.trial_id, &metrics, 0).unwrap();
        oracle.end_trial(&trial.trial_id, TrialStatus::Completed, None).unwrap();
    }
    trials
}

fn same(ours: &serde_json::Value, theirs: &serde_json::Value) -> bool {
    match (serde_json::from_value::<Value>(ours.clone()), serde_json::from_value::<Value>(theirs.clone())) {
        (Ok(Value::Float(a)), Ok(Value::Float(b))) => a == b,
        _ => ours == theirs,
    }
}

#[test]
fn random_draws_are_keras_tuners() {
    let text = include_str!("data/keras_tuner_draws.json");
    let reference: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut compared = 0;
    for (name, space) in reference["spaces"].as_object().unwrap() {
        let seed = space["seed"].as_u64().unwrap();
        let max_trials = space["max_trials"].as_u64().unwrap() as usize;
        let bayesian = space["oracle"] == "BayesianOptimization";
        let ours = match name.as_str() {
            "chapter" | "bayesian_initial" => our_draws(chapter, seed, max_trials, bayesian),
            "every_kind" => our_draws(every_kind, seed, max_trials, bayesian),
            "two_values" => our_draws(two_values, seed, max_trials, bayesian),
            other => panic!("the reference has a space this test does not know: {other}"),
        };
        let theirs = space["trials"].as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{name}: number of trials (ours {ours:#?})");
        for (a, b) in ours.iter().zip(theirs) {
            assert_eq!(a["trial_id"], b["trial_id"], "{name}");
            assert_eq!(a["status"], b["status"], "{name}, trial {}", b["trial_id"]);
            let (va, vb) = (a["values"].as_object().unwrap(), b["values"].as_object().unwrap());
            let names =
                |m: &serde_json::Map<String, serde_json::Value>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(names(va), names(vb), "{name}, trial {}", b["trial_id"]);
            for (key, value) in vb {
                assert!(
                    same(&va[key], value),
                    "{name}, trial {}, {key}: ours {} theirs {value}",
                    b["trial_id"],
                    va[key]
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 150, "{compared} values compared");
}
