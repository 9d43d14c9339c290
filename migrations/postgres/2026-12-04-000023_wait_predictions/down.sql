DROP TABLE wait_predictions;
