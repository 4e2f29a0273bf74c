enum RecipeParserNamespace {}
