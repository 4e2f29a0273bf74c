enum ModelStoreNamespace {}
