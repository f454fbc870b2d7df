//! Importers for Stripe, QuickBooks, HubSpot and Salesforce exports (being written).
