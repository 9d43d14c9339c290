DROP TABLE collective_letters;
